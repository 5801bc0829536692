import { startCatalogServer } from "./server.ts";

/** Standalone catalog process: `node --import tsx src/demo/catalog/main.ts [port]`. */
const port = Number(process.argv[2] ?? process.env.DEMO_CATALOG_PORT ?? 0);
const catalog = await startCatalogServer({ port });
process.stdout.write(`${JSON.stringify({ port: catalog.port, apps: catalog.apps.length })}\n`);
const stop = () => void catalog.close().then(() => (process.exitCode = 0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
