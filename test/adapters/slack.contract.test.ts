import { WebClient } from "@slack/web-api";
import { SlackOutbound } from "../../adapters/slack/outbound.ts";
import { adapterContract } from "../helpers/adapter-contract.ts";
import { FakeSlack } from "../helpers/fake-slack.ts";

adapterContract("slack", async () => {
  const slack = new FakeSlack();
  await slack.start();
  const client = new WebClient("xoxb-test", {
    slackApiUrl: slack.apiUrl,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
  });
  let channel = 0;
  return {
    outbound: new SlackOutbound(client),
    // A fresh channel per test, with a thread started by a person's message.
    thread: () => ({ platform: "slack", channel: `C${++channel}`, thread: `1690000000.00000${channel}` }),
    user: (name) => ({ platform: "slack", id: name, name }),
    read: async (_target, id) => {
      const message = slack.messages.get(id);
      return message === undefined ? undefined : { text: message.text, visibleTo: message.ephemeralFor };
    },
    close: () => slack.close(),
  };
});
