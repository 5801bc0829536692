import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from "botbuilder";
import { TeamsOutbound } from "../../adapters/teams/outbound.ts";
import { ConversationReferences } from "../../adapters/teams/references.ts";
import { adapterContract } from "../helpers/adapter-contract.ts";
import { FakeTeams } from "../helpers/fake-teams.ts";

adapterContract("teams", async ({ redis, prefix }) => {
  const teams = new FakeTeams();
  await teams.start();
  // No app id: the connector is called without a token (the fake needs none).
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const references = new ConversationReferences(redis, prefix);
  // People the bot has seen, so a private notice can go to a personal chat with them.
  for (const name of ["ana", "mallory"])
    await references.saveUser(name, { id: `29:${name}`, tenantId: "tenant-1", serviceUrl: teams.url });
  let channel = 0;
  return {
    outbound: new TeamsOutbound(adapter, "", references),
    // A channel the bot has heard from (its reference stored), and a reply chain in it.
    thread: () => {
      const id = `19:channel${++channel}@thread.tacv2`;
      void references.save({
        channelId: "msteams",
        serviceUrl: teams.url,
        conversation: { id, conversationType: "channel", isGroup: true, name: "general", tenantId: "tenant-1" },
        bot: { id: "28:bot", name: "codemem" },
      });
      return { platform: "teams", channel: id, thread: `17000000000${channel}` };
    },
    user: (name) => ({ platform: "teams", id: name, name }),
    read: async (_target, id) => {
      const card = teams.card(id);
      if (card === undefined) return undefined;
      // A notice in a personal chat is seen by its one member.
      const members = teams.conversations.get(teams.activities.get(id)?.conversationId ?? "");
      return { text: String(card.fallbackText), visibleTo: members?.[0]?.name };
    },
    close: () => teams.close(),
  };
});
