import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { userError } from "../errors.ts";
import type { Metrics } from "./metrics.ts";

/**
 * `/metrics` and `/healthz` for a process without the console (`codemem worker --metrics-port`), so
 * each worker process is scraped on its own. Binds every interface: Prometheus scrapes from elsewhere.
 */
export async function startMetricsServer(
  metrics: Metrics,
  port: number,
  host = "0.0.0.0",
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    try {
      if (req.method === "GET" && req.url === "/metrics") {
        res.writeHead(200, { "content-type": metrics.contentType }).end(await metrics.text());
      } else if (req.method === "GET" && req.url === "/healthz") {
        res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
      } else res.writeHead(404).end();
    } catch (error) {
      res.writeHead(500).end((error as Error).message);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      const why = error.code === "EADDRINUSE" ? `port ${port} is in use; pick a free one` : error.message;
      reject(userError("USAGE", `--metrics-port could not listen (${why})`));
    });
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${bound}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
