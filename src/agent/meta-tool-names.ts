/**
 * The names of the agent's own meta-tools (src/agent/meta-tools.ts defines them), spelled once: the
 * prompt and the refusals the model reads speak of them. The discovery tools' names are in
 * src/discovery/meta-tools.ts.
 */
export const META_TOOL_NAMES = {
  writeTodos: "write_todos",
  executeCode: "execute_code",
  askUser: "ask_user",
  proposeSkill: "propose_skill",
} as const;
