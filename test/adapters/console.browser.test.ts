import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestConsoleApp } from "../helpers/app.ts";

const CHROMIUM =
  process.env.CHROMIUM_PATH ?? ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((path) => existsSync(path));

describe("the local console in headless Chromium", () => {
  let browser: Browser;
  let running: Awaited<ReturnType<typeof startTestConsoleApp>>;

  beforeAll(async () => {
    if (CHROMIUM === undefined)
      throw new Error("Chromium is missing: apt-get install chromium (npm test installs it when run as root)");
    running = await startTestConsoleApp();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await running?.close();
  });

  it("should take a task through the buttons to an approved skill that runs at once, then schedule it", async () => {
    const page = await browser.newPage();
    // Approve writes (OneDrive uploads), so it asks "are you sure?" first.
    page.on("dialog", (dialog) => void dialog.accept());
    await page.goto(running.web.url);
    await page.getByRole("button", { name: "Use the demo task" }).click();
    await page.getByRole("button", { name: "Send" }).click();

    const memory = page.getByRole("button", { name: "Yes, add a dedup memory" });
    await memory.waitFor({ timeout: 60_000 });
    await expect.poll(() => page.locator(".todos li.completed").count()).toBeGreaterThanOrEqual(3);
    expect(await page.getByText("Sample of outlook__list_messages").count()).toBeGreaterThan(0);
    expect(await page.locator(".badge").first().textContent()).toBe("demo replay");
    await memory.click();

    const approve = page.getByRole("button", { name: "Approve" });
    await approve.waitFor({ timeout: 60_000 });
    expect(await page.locator(".proposal h3").textContent()).toBe("Proposed skill: archive-attachments");
    expect(await page.locator(".tools span.destructive").textContent()).toBe("onedrive__upload_file · destructive");
    expect(await page.locator(".runs-with code").textContent()).toContain('"days":15');
    await approve.click();

    // v1 ships in skills/; the approved proposal is the next version, and it runs right away.
    await page.getByText(/Saved skill archive-attachments v2, approved by @you\./).waitFor({ timeout: 30_000 });
    await expect
      .poll(() => page.locator(".answered").allTextContents(), { timeout: 10_000 })
      .toEqual(["✓ Yes, add a dedup memory — by @you", "✓ Approved — by @you"]);
    expect(await running.app.skills.latest("archive-attachments")).toMatchObject({
      version: 2,
      approver: "console:you",
      author: "console:you",
    });
    // Each message is its own delivery: the diff follows "Saved" shortly.
    await page.getByText("What changed since v1").waitFor({ timeout: 10_000 });
    const summary = page.getByText(/Run r\w+ of archive-attachments v2 finished in/);
    await summary.waitFor({ timeout: 60_000 });
    await expect.poll(() => page.locator(".progress .bar div").first().getAttribute("style")).toBe("width:100%");
    const first = (await summary.textContent()) ?? "";
    expect(Number(/(\d+) done/.exec(first)?.[1])).toBeGreaterThan(5);
    expect(first).toContain("0 failed");

    await page.getByRole("button", { name: "Weekdays 08:00 UTC" }).click();
    const scheduled = page.getByText(/Scheduled archive-attachments weekdays 08:00 utc as sch-/);
    await scheduled.waitFor({ timeout: 30_000 });
    await page.locator("#text").fill("/codemem schedules");
    await page.getByRole("button", { name: "Send" }).click();
    const listed = page.locator(".msg.private", { hasText: /"0 8 \* \* 1-5" UTC/ });
    await listed.waitFor({ timeout: 10_000 });
    const id = /(sch-[\w-]+)/.exec((await listed.textContent()) ?? "")?.[1] as string;
    await page.locator("#text").fill(`/codemem unschedule ${id}`);
    await page.getByRole("button", { name: "Send" }).click();
    await page.getByText(`Removed schedule ${id} (by @you).`).waitFor({ timeout: 10_000 });
  }, 180_000);

  it("should skip done items on a re-run and fire a schedule", async () => {
    const page = await browser.newPage();
    await page.goto(running.web.url);
    const send = async (text: string) => {
      await page.locator("#text").fill(text);
      await page.getByRole("button", { name: "Send" }).click();
    };
    const done =
      (await running.app.runtime.status((await running.app.runtime.progress.recent(1))[0] as string))?.done ?? 0;
    expect(done).toBeGreaterThan(5);
    await send('/codemem run archive-attachments {"days": 15}');
    await page.getByText(new RegExp(`0 done, ${done} skipped, 0 failed of ${done}`)).waitFor({ timeout: 60_000 });

    await send('/codemem schedule archive-attachments "*/2 * * * * *" UTC {"days": 1}');
    const scheduled = page.getByText(/Scheduled archive-attachments "\*\/2 .* as (sch-[\w-]+)/);
    await scheduled.waitFor({ timeout: 10_000 });
    const id = /as (sch-[\w-]+)/.exec((await scheduled.textContent()) ?? "")?.[1] as string;
    await expect
      .poll(async () => (await running.app.runtime.progress.recent(20)).length, { timeout: 20_000 })
      .toBeGreaterThanOrEqual(4);
    await send(`/codemem unschedule ${id}`);
    await page.getByText(`Removed schedule ${id} (by @you).`).waitFor({ timeout: 10_000 });
    await send('/codemem schedule archive-attachments "61 * * * *"');
    await page.getByText(/Bad cron "61 \* \* \* \*"/).waitFor({ timeout: 10_000 });
  }, 120_000);

  it("should show the Runs view with Run again for the person's own runs, and start one from it", async () => {
    const page = await browser.newPage();
    await page.goto(running.web.url);
    await page.getByRole("button", { name: "Runs" }).click();
    await page.getByText("Latest runs").waitFor({ timeout: 10_000 });
    const before = (await running.app.runtime.progress.recent(100)).length;
    const [latest] = await running.app.runtime.progress.recent(1);
    const mine = page.locator(".msg").filter({ hasText: "Latest runs" });
    expect(await mine.textContent()).toContain(`${latest} archive-attachments`);
    await mine.getByRole("button", { name: "Run again with these values" }).first().click();
    await page
      .getByText(/^Started archive-attachments v\d+ as run r\w+ with the values of /)
      .waitFor({ timeout: 10_000 });
    await expect.poll(async () => (await running.app.runtime.progress.recent(100)).length).toBe(before + 1);
    // Someone else sees the runs, without the values and without the button.
    await page.locator("#user").fill("eve");
    await page.locator("#user").dispatchEvent("change");
    await page.getByRole("button", { name: "Runs" }).click();
    await expect
      .poll(() => page.locator(".msg").filter({ hasText: "Latest runs" }).textContent())
      .not.toContain("values");
    expect(await page.getByRole("button", { name: "Run again with these values" }).count()).toBe(0);
  });

  it("should answer /codemem commands in the thread without a model call", async () => {
    const page = await browser.newPage();
    await page.goto(running.web.url);
    await page.getByRole("button", { name: "New thread" }).click();
    await page.locator("#text").fill("/codemem skills");
    await page.getByRole("button", { name: "Send" }).click();
    await page.getByText(/^archive-attachments v2 — /).waitFor({ timeout: 10_000 });
    await page.locator("#text").fill("/codemem frobnicate");
    await page.getByRole("button", { name: "Send" }).click();
    await page.getByText('Unknown command "frobnicate". Try /codemem help.').waitFor({ timeout: 10_000 });
  });

  it("should show the app's queues read-only to a visitor, and let whoever signs in with the token act", async () => {
    const token = "admin-token-0123456789abcdef";
    const guarded = await startTestConsoleApp({ CODEMEM_ADMIN_TOKEN: token });
    const put = (path: string) =>
      `fetch(${JSON.stringify(`/admin/queues/api/queues/runs/${path}`)}, { method: "PUT" }).then((r) => r.status)`;
    try {
      const visitor = await browser.newPage();
      await visitor.goto(`${guarded.web.url}admin/queues/`);
      for (const name of ["runs", "items", "agent", "chat-console"])
        await visitor.getByRole("link", { name, exact: true }).first().waitFor({ timeout: 20_000 });
      expect(await visitor.title()).toBe("codemem (read-only)");
      expect(await visitor.evaluate(put("pause"))).toBe(403);

      // The browser asks for the token once, at /admin/queues/login, and sends it from then on.
      const context = await browser.newContext({ httpCredentials: { username: "ops", password: token } });
      const admin = await context.newPage();
      await admin.goto(`${guarded.web.url}admin/queues/login`);
      expect(admin.url()).toBe(`${guarded.web.url}admin/queues/`);
      await admin.getByRole("link", { name: "runs", exact: true }).first().waitFor({ timeout: 20_000 });
      expect(await admin.title()).toBe("codemem");
      expect(await admin.evaluate(put("pause"))).toBe(200);
      expect(await guarded.app.runtime.runs.isPaused()).toBe(true);
      expect(await admin.evaluate(put("resume"))).toBe(200);
      expect(await guarded.app.runtime.runs.isPaused()).toBe(false);
      await context.close();
      await visitor.close();
    } finally {
      await guarded.close();
    }
  }, 60_000);
});
