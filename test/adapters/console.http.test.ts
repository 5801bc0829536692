import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderText } from "../../src/ui/render-text.ts";
import { startTestConsoleApp } from "../helpers/app.ts";
import { ConsoleClient, rawRequest } from "../helpers/console-client.ts";
import { waitFor } from "../helpers/demo.ts";

const TASK =
  "@codemem archive PDF/XLSX attachments of the last 15 days of Outlook mail into OneDrive folders per sender company, skip internal senders";

describe("the console's HTTP API, as two people use it", () => {
  let running: Awaited<ReturnType<typeof startTestConsoleApp>>;
  beforeAll(async () => {
    running = await startTestConsoleApp();
  });
  afterAll(async () => {
    await running?.close();
  });

  it("should refuse a stranger's Approve privately and still take the requester's, once for a double click", async () => {
    const alice = new ConsoleClient(running.web.url, "alice");
    const mallory = new ConsoleClient(running.web.url, "mallory");
    const thread = await alice.send(TASK);
    const question = await alice.buttons(thread, "question");

    // The stranger clicks first: refused at once, and only the stranger hears about it.
    const refused = await mallory.click(question[0]!.value);
    expect(refused.kind).toBe("refused");
    expect(refused.kind !== "accepted" && renderText(refused.notice)).toBe("Only @alice can answer this.");
    const accepted = await alice.click(question[0]!.value);
    expect(accepted.kind).toBe("accepted");
    expect(accepted.kind === "accepted" && renderText(accepted.message)).toContain(
      "answered: Yes, add a dedup memory (by alice) working…",
    );

    const proposal = await alice.buttons(thread, "proposal");
    const approve = proposal.find((button) => button.value.choice === "approve")!;
    expect((await mallory.click(approve.value)).kind).toBe("refused");
    const clicks = await Promise.all([alice.click(approve.value), alice.click(approve.value)]);
    expect(clicks.every((click) => click.kind === "accepted" || click.kind === "stale")).toBe(true);
    await waitFor(
      async () =>
        (await alice.messages(thread)).some((entry) =>
          /Run r\w+ of archive-attachments v2 finished/.test(renderText(entry.message)),
        ),
      60_000,
    );

    // Approved once: one new version, one run, and a late click is stale.
    expect((await running.app.skills.latest("archive-attachments"))?.version).toBe(2);
    expect(await running.app.runtime.progress.recent(10)).toHaveLength(1);
    expect((await alice.click(approve.value)).kind).toBe("stale");
    // Nobody else saw mallory's refusals.
    const seenByAlice = (await alice.messages(thread)).map((entry) => renderText(entry.message)).join("\n");
    expect(seenByAlice).not.toContain("Only @alice can answer this.");
  }, 120_000);

  it("should let nobody but the skill's owners or an approver change its schedules and versions", async () => {
    const mallory = new ConsoleClient(running.web.url, "mallory");
    const thread = await mallory.send("/codemem rollback archive-attachments 1");
    await mallory.send('/codemem schedule archive-attachments "0 8 * * *"', thread);
    await waitFor(
      async () => (await mallory.messages(thread)).filter((entry) => entry.visibleTo === "mallory").length >= 2,
      10_000,
    );
    const notices = (await mallory.messages(thread))
      .filter((entry) => entry.visibleTo === "mallory")
      .map((entry) => renderText(entry.message));
    expect(notices).toEqual([
      "Only its owner @alice can roll back archive-attachments.",
      "Only its owner @alice can schedule archive-attachments.",
    ]);
    expect((await running.app.skills.latest("archive-attachments"))?.version).toBe(2);
    // Anyone may run it.
    await mallory.send('/codemem run archive-attachments {"days": 1}', thread);
    await waitFor(
      async () =>
        (await mallory.messages(thread)).some((entry) =>
          /Run r\w+ of archive-attachments v2 finished/.test(renderText(entry.message)),
        ),
      60_000,
    );
  }, 90_000);

  it("should answer only its own page: foreign Host, foreign Origin and non-JSON posts get 403", async () => {
    const url = running.web.url;
    const { port } = new URL(url);
    const body = JSON.stringify({ user: "mallory", text: '/codemem run archive-attachments {"days": 2}' });
    const before = (await running.app.runtime.progress.recent(50)).length;
    const rebinding = await rawRequest(`${url}api/threads`, { headers: { host: `evil.example:${port}` } });
    expect(rebinding.status).toBe(403);
    const crossSite = await rawRequest(`${url}api/send`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "https://evil.example" },
      body,
    });
    expect(crossSite.status).toBe(403);
    const simplePost = await rawRequest(`${url}api/send`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body,
    });
    expect(simplePost.status).toBe(403);
    const form = await rawRequest(`${url}api/click`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "user=x",
    });
    expect(form.status).toBe(403);
    expect(JSON.parse(simplePost.body)).toEqual({ error: "send JSON (content-type: application/json)" });
    expect((await running.app.runtime.progress.recent(50)).length).toBe(before);

    // A script on this machine (no Origin, JSON) and the page itself (same Origin) keep working.
    const script = await rawRequest(`${url}api/send`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user: "ana", text: "/codemem help" }),
    });
    expect(script.status).toBe(200);
    const samePage = await rawRequest(`${url}api/send`, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8", origin: url.replace(/\/$/, "") },
      body: JSON.stringify({ user: "ana", text: "/codemem help" }),
    });
    expect(samePage.status).toBe(200);
    expect((await rawRequest(`http://localhost:${port}/api/threads`)).status).toBe(200);
  });
});
