import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawRequest } from "../helpers/console-client.ts";
import { startTestConsoleApp, type TestConsoleApp } from "../helpers/app.ts";
import { itKeepsSecretsOutOfLogs } from "../helpers/log.ts";

const TOKEN = "admin-token-0123456789abcdef";
const basic = (password: string) => `Basic ${Buffer.from(`ops:${password}`).toString("base64")}`;

interface BoardQueue {
  name: string;
  readOnlyMode: boolean;
}

describe("the queue dashboard at /admin/queues", () => {
  describe("on loopback without an admin token", () => {
    let running: TestConsoleApp;
    beforeAll(async () => {
      running = await startTestConsoleApp();
    });
    afterAll(async () => {
      await running?.close();
    });

    it("should show every queue of the app, read-only, and refuse every action", async () => {
      const page = await rawRequest(`${running.web.url}admin/queues/`);
      expect(page.status).toBe(200);
      expect(page.body).toContain("<html");
      const api = await rawRequest(`${running.web.url}admin/queues/api/queues`);
      expect(api.status).toBe(200);
      const queues = (JSON.parse(api.body) as { queues: BoardQueue[] }).queues;
      expect(queues.map((queue) => queue.name).sort()).toEqual(["agent", "chat-console", "items", "runs"]);
      expect(queues.every((queue) => queue.readOnlyMode)).toBe(true);

      const pause = await rawRequest(`${running.web.url}admin/queues/api/queues/runs/pause`, { method: "PUT" });
      expect(pause.status).toBe(403);
      expect(JSON.parse(pause.body).error).toMatch(/read-only: sign in at \/admin\/queues\/login/);
      expect(await running.app.runtime.runs.isPaused()).toBe(false);
      // Not even with a made-up token: there is none to match.
      const forged = await rawRequest(`${running.web.url}admin/queues/api/queues/runs/pause`, {
        method: "PUT",
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(forged.status).toBe(403);
      expect((await rawRequest(`${running.web.url}admin/queues/login`)).status).toBe(404);
    });

    it("should refuse the dashboard to a foreign Host, as the console does", async () => {
      const port = new URL(running.web.url).port;
      const rebound = await rawRequest(`${running.web.url}admin/queues/api/queues`, {
        headers: { host: `attacker.example:${port}` },
      });
      expect(rebound.status).toBe(403);
    });
  });

  describe("with an admin token", () => {
    let running: TestConsoleApp;
    beforeAll(async () => {
      running = await startTestConsoleApp({ CODEMEM_ADMIN_TOKEN: TOKEN });
    });
    afterAll(async () => {
      await running?.close();
    });

    it("should stay read-only for a visitor and act for whoever signs in with the token", async () => {
      const url = `${running.web.url}admin/queues/api/queues/runs/pause`;
      expect((await rawRequest(url, { method: "PUT" })).status).toBe(403);
      expect(
        (await rawRequest(url, { method: "PUT", headers: { authorization: basic("wrong-password") } })).status,
      ).toBe(403);

      const login = await rawRequest(`${running.web.url}admin/queues/login`);
      expect(login.status).toBe(401);
      expect(login.headers["www-authenticate"]).toBe('Basic realm="codemem", charset="UTF-8"');
      const signedIn = await rawRequest(`${running.web.url}admin/queues/login`, {
        headers: { authorization: basic(TOKEN) },
      });
      expect(signedIn.status).toBe(303);
      expect(signedIn.headers.location).toBe("/admin/queues/");

      const api = await rawRequest(`${running.web.url}admin/queues/api/queues`, {
        headers: { authorization: basic(TOKEN) },
      });
      expect((JSON.parse(api.body) as { queues: BoardQueue[] }).queues.every((queue) => !queue.readOnlyMode)).toBe(
        true,
      );
      expect((await rawRequest(url, { method: "PUT", headers: { authorization: basic(TOKEN) } })).status).toBe(200);
      expect(await running.app.runtime.runs.isPaused()).toBe(true);
      const resume = `${running.web.url}admin/queues/api/queues/runs/resume`;
      expect((await rawRequest(resume, { method: "PUT", headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(
        200,
      );
      expect(await running.app.runtime.runs.isPaused()).toBe(false);
    });
  });

  describe("beyond loopback", () => {
    let running: TestConsoleApp;
    let base: string;
    beforeAll(async () => {
      running = await startTestConsoleApp({ CODEMEM_HOST: "0.0.0.0", CODEMEM_ADMIN_TOKEN: TOKEN });
      base = `http://127.0.0.1:${new URL(running.web.url).port}/`;
    });
    afterAll(async () => {
      await running?.close();
    });

    it("should answer only the probes without the token, and everything with it", async () => {
      expect((await rawRequest(`${base}healthz`)).status).toBe(200);
      expect((await rawRequest(`${base}readyz`)).status).toBe(200);
      for (const path of ["", "api/threads", "metrics", "admin/queues/"]) {
        const refused = await rawRequest(`${base}${path}`);
        expect(refused.status).toBe(401);
        expect(refused.headers["www-authenticate"]).toMatch(/^Basic realm="codemem"/);
        expect(
          (await rawRequest(`${base}${path}`, { headers: { authorization: basic("not-the-token") } })).status,
        ).toBe(401);
      }
      expect((await rawRequest(base, { headers: { authorization: basic(TOKEN) } })).status).toBe(200);
      const metrics = await rawRequest(`${base}metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(metrics.status).toBe(200);
      expect(metrics.body).toContain("codemem_queue_jobs");
      // Reached by any name (the operator's), since the token is what guards it.
      const named = await rawRequest(`${base}api/threads`, {
        headers: { authorization: basic(TOKEN), host: "codemem.internal.example:443" },
      });
      expect(named.status).toBe(200);
    });
  });
});

itKeepsSecretsOutOfLogs();
