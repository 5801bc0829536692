import { randomUUID } from "node:crypto";
import { ConsoleKeys } from "../../adapters/console/keys.ts";
import { ConsoleOutbound } from "../../adapters/console/outbound.ts";
import { ConsoleThreadStore } from "../../adapters/console/store.ts";
import { renderText } from "../../src/ui/render-text.ts";
import { adapterContract } from "../helpers/adapter-contract.ts";

adapterContract("console", async ({ redis, prefix }) => {
  const keys = new ConsoleKeys(prefix);
  const store = new ConsoleThreadStore(redis, keys);
  const outbound = new ConsoleOutbound(store, redis, keys);
  return {
    outbound,
    thread: () => ({ platform: "console", channel: "local", thread: randomUUID() }),
    user: (name) => ({ platform: "console", id: name, name }),
    read: async (target, id) => {
      const entry = await store.get(target.thread ?? "", id);
      return entry === undefined ? undefined : { text: renderText(entry.message), visibleTo: entry.visibleTo };
    },
    close: async () => {},
  };
});
