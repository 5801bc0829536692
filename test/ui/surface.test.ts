import { describe, expect, it } from "vitest";
import { ThrottledSurface } from "../../src/ui/surface.ts";
import type { UiMessage } from "../../src/ui/message.ts";
import { RecordingSurface } from "../helpers/recording-surface.ts";

const progress = (done: number): UiMessage => ({ blocks: [{ type: "progress", done, skipped: 0, failed: 0, total: 100, ratePerSecond: 1, etaSeconds: null }] });

describe("ThrottledSurface", () => {
  it("should send at most one update per interval per message, the latest state winning", async () => {
    const inner = new RecordingSurface();
    const surface = new ThrottledSurface(inner, { intervalMs: 200 });
    const ref = await surface.post({ platform: "t", channel: "c", thread: "x" }, progress(0));
    const updates = Array.from({ length: 50 }, (_, i) => surface.update(ref, progress(i + 1)));
    await Promise.all(updates);
    const entry = inner.messages.get(ref.id);
    expect(entry?.updates).toBe(2);
    expect(entry?.message).toEqual(progress(50));
  });

  it("should flush the pending latest state at once", async () => {
    const inner = new RecordingSurface();
    const surface = new ThrottledSurface(inner, { intervalMs: 10_000 });
    const ref = await surface.post({ platform: "t", channel: "c", thread: "x" }, progress(0));
    await surface.update(ref, progress(1));
    void surface.update(ref, progress(2));
    void surface.update(ref, progress(3));
    await surface.flush();
    expect(inner.messages.get(ref.id)?.message).toEqual(progress(3));
    expect(inner.messages.get(ref.id)?.updates).toBe(2);
  });
});
