import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { HttpHost } from "../../adapters/http-host.ts";
import { teamsAdapter } from "../../adapters/teams/adapter.ts";
import { startApp, type App } from "../../src/compose/app.ts";
import { loadConfig } from "../../src/config/load.ts";
import { type RunningLocalOpenAi, startLocalOpenAiServer } from "../../src/model/local-openai-server.ts";
import { tempStateDir, waitFor } from "../helpers/demo.ts";
import { captureLog } from "../helpers/log.ts";
import { FakeTeams, TestCredentials } from "../helpers/fake-teams.ts";

const APP_ID = "00000000-0000-0000-0000-00000000beef";
const CHANNEL = "19:ops@thread.tacv2";
const ROOT = "1700000000900";
const PERSONAL = "a:personal-dana";
const bot = { id: "28:codemem", name: "codemem" };
const dana = { id: "29:dana", aadObjectId: "aad-dana", name: "Dana" };
const TURN_MS = 20_000;

type Card = { body: Record<string, unknown>[]; fallbackText: string };

describe("Teams' agent surfaces: a streamed plan in a personal chat, late answers in their reply chain", () => {
  const home = tempStateDir("codemem-teams-surfaces-");
  const teams = new FakeTeams();
  let model: RunningLocalOpenAi;
  let app: App;
  let url: string;
  let seq = 0;
  let captured: ReturnType<typeof captureLog>;

  const activity = (conversation: Record<string, unknown>, fields: Record<string, unknown>) => ({
    channelId: "msteams",
    serviceUrl: teams.url,
    id: `surf-${++seq}`,
    timestamp: new Date().toISOString(),
    recipient: bot,
    from: dana,
    conversation: { tenantId: "tenant-1", ...conversation },
    channelData: { tenant: { id: "tenant-1" } },
    ...fields,
  });
  const personal = (fields: Record<string, unknown>) =>
    activity({ id: PERSONAL, conversationType: "personal" }, fields);
  const send = async (body: Record<string, unknown>) => {
    const started = Date.now();
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${teams.token(APP_ID, teams.url)}` },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, ms: Date.now() - started, body: text === "" ? undefined : JSON.parse(text) };
  };
  const cardsIn = (conversationId: string): Card[] =>
    [...teams.activities.values()]
      .filter((a) => a.conversationId === conversationId)
      .map((a) => (a.activity.attachments as { content: Card }[] | undefined)?.[0]?.content)
      .filter((card): card is Card => card !== undefined);

  beforeAll(async () => {
    await teams.start();
    // A model that plans in two steps, then takes TURN_MS over its answer: the turn outlives Teams' window.
    const todos = (done: number) => [
      { content: "Find the mail tools", status: done > 0 ? "completed" : "in_progress" },
      { content: "Probe them on a sample", status: done > 0 ? "in_progress" : "pending" },
    ];
    model = await startLocalOpenAiServer({
      script: {
        fingerprint: "test-model",
        steps: [
          { toolCalls: [{ name: "write_todos", arguments: { todos: todos(0) } }] },
          { toolCalls: [{ name: "write_todos", arguments: { todos: todos(1) } }] },
          { content: "That took a while: here is where I stand.", delayMs: TURN_MS },
        ],
      },
    });
    const config = loadConfig({
      env: {
        REDIS_URL: inject("redisUrl"),
        CODEMEM_HOME: join(home.dir, ".codemem"),
        CODEMEM_PREFIX: `ts${process.pid}x${Date.now().toString(36)}`,
        CODEMEM_SEMANTIC: "off",
        OPENAI_API_KEY: "sk-test-local",
        OPENAI_BASE_URL: model.baseUrl,
        ...teams.env(APP_ID),
      },
      cwd: home.dir,
    });
    const http = new HttpHost({ port: 0, host: "127.0.0.1" });
    const adapter = teamsAdapter(config.teams, { http, credentialsFactory: new TestCredentials(APP_ID) });
    captured = captureLog({});
    app = await startApp({ config, adapters: [adapter], log: captured.logger });
    url = app.surfaces[0]?.url as string;
  });
  afterAll(async () => {
    await app?.close();
    await model?.close();
    await teams.close();
    home.cleanup();
  });

  it("streams the plan in a personal chat and answers a 20 s turn in the channel's reply chain", async () => {
    const chain = `${CHANNEL};messageid=${ROOT}`;
    const inChannel = activity(
      { id: chain, conversationType: "channel", isGroup: true },
      {
        type: "message",
        text: "<at>codemem</at> archive my mail attachments",
        entities: [{ type: "mention", text: "<at>codemem</at>", mentioned: bot }],
        channelData: { tenant: { id: "tenant-1" }, channel: { id: CHANNEL } },
      },
    );
    const dm = personal({ type: "message", text: "archive my mail attachments" });
    const [channelAck, dmAck] = await Promise.all([send(inChannel), send(dm)]);
    // Both answered at once: the turns run on the agent worker, long after Teams' window.
    expect([channelAck.status, dmAck.status]).toEqual([200, 200]);
    expect(Math.max(channelAck.ms, dmAck.ms)).toBeLessThan(3000);

    // The personal chat: the plan as informative updates, then its final message.
    await waitFor(
      () => [...teams.streams.values()].some((s) => s.conversationId === PERSONAL && s.updates.length >= 2),
      20_000,
    );
    const [streamId, stream] = [...teams.streams.entries()].find(([, s]) => s.conversationId === PERSONAL)!;
    expect(stream.updates[0]).toBe("Plan 0/2: Find the mail tools");
    expect(stream.updates).toContain("Plan 1/2: Probe them on a sample");

    const started = Date.now();
    await waitFor(
      () => cardsIn(chain).some((card) => card.fallbackText.includes("That took a while")),
      TURN_MS + 20_000,
    );
    expect(Date.now() - started).toBeGreaterThan(TURN_MS / 2);
    // The late answer went into the mention's reply chain, not the top of the channel.
    expect(cardsIn(CHANNEL)).toEqual([]);
    expect(cardsIn(chain).filter((card) => card.fallbackText.includes("Plan:"))).toHaveLength(1);

    await waitFor(() => teams.streams.get(streamId)?.final === true, 10_000);
    const final = teams.activities.get(streamId);
    const finalCard = (final?.activity.attachments as { content: Card }[] | undefined)?.[0]?.content;
    expect(finalCard?.fallbackText).toContain("Plan:");
    expect(finalCard?.fallbackText).toContain("Probe them on a sample");
    // The plan is the stream: no second plan card in the personal chat.
    expect(cardsIn(PERSONAL).filter((card) => card.fallbackText.includes("Plan:"))).toHaveLength(1);
    await waitFor(() => cardsIn(PERSONAL).some((card) => card.fallbackText.includes("That took a while")), 10_000);
    // Nothing Teams refused on the way.
    expect(captured.lines().filter((line) => Number(line.level) >= 50)).toEqual([]);
  }, 90_000);

  it("answers an Action.Submit click with a message, and takes a redelivered one once", async () => {
    const submit = personal({
      type: "message",
      id: "submit-1",
      value: { codemem: { command: "last-error", target: "sch-nothing" } },
    });
    const before = cardsIn(PERSONAL).length;
    expect((await send(submit)).status).toBe(200);
    expect((await send(submit)).status).toBe(200);
    await waitFor(() => cardsIn(PERSONAL).length >= before + 2, 10_000);
    const answers = cardsIn(PERSONAL)
      .slice(before)
      .map((card) => card.fallbackText);
    expect(answers).toEqual([
      "There is no schedule sch-nothing any more.",
      "That click was already taken once; nothing changed.",
    ]);
    // A Universal Actions invoke delivered twice is taken once too.
    const invoke = personal({
      type: "invoke",
      id: "invoke-1",
      name: "adaptiveCard/action",
      value: {
        action: { type: "Action.Execute", verb: "codemem", data: { command: "last-error", target: "sch-nothing" } },
      },
    });
    const first = await send(invoke);
    const second = await send(invoke);
    expect(first.body.value.fallbackText).toBe("There is no schedule sch-nothing any more.");
    expect(second.body.value.fallbackText).toBe("That click was already taken once; nothing changed.");
  });
});
