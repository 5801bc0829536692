import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConsoleApp } from "../helpers/app.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((path) => existsSync(path));

describe("the local console in headless Chromium", () => {
  let browser: Browser;
  let running: Awaited<ReturnType<typeof startConsoleApp>>;

  beforeAll(async () => {
    if (CHROMIUM === undefined) throw new Error("Chromium is missing: apt-get install chromium (npm test installs it when run as root)");
    running = await startConsoleApp();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await running?.close();
  });

  it("should take a task, show the plan and probes, and go through the buttons to an approved skill", async () => {
    const page = await browser.newPage();
    await page.goto(running.web.url);
    await page.getByRole("button", { name: "Use the demo task" }).click();
    await page.getByRole("button", { name: "Send" }).click();

    const memory = page.getByRole("button", { name: "Yes, add a dedup memory" });
    await memory.waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator(".todos li.completed").count()).toBeGreaterThanOrEqual(3);
    expect(await page.getByText("Sample of outlook__list_messages").count()).toBeGreaterThan(0);
    expect(await page.locator(".badge").first().textContent()).toBe("demo replay");
    await memory.click();

    const approve = page.getByRole("button", { name: "Approve" });
    await approve.waitFor({ timeout: 30_000 });
    expect(await page.locator(".proposal h3").textContent()).toBe("Proposed skill: archive-attachments");
    expect(await page.locator(".tools span.destructive").textContent()).toBe("onedrive__upload_file · destructive");
    await approve.click();

    await page.getByText("Saved skill `archive-attachments` v1").waitFor({ timeout: 30_000 });
    expect(await page.locator(".answered").allTextContents()).toEqual(["✓ Yes, add a dedup memory (by you)", "✓ Approved by you"]);
    expect(await running.app.skills.latest("archive-attachments")).toMatchObject({ version: 1, approver: "you" });
  }, 90_000);

  it("should answer /codemem commands in the thread without a model call", async () => {
    const page = await browser.newPage();
    await page.goto(running.web.url);
    await page.locator("#text").fill("/codemem skills");
    await page.getByRole("button", { name: "Send" }).click();
    await page.getByText("archive-attachments v1").waitFor({ timeout: 10_000 });
    await page.locator("#text").fill("/codemem frobnicate");
    await page.getByRole("button", { name: "Send" }).click();
    await page.getByText('Unknown command "frobnicate". Try /codemem help.').waitFor({ timeout: 10_000 });
  });
});
