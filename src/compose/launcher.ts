import type { SkillLauncher } from "../agent/deps.ts";
import type { SkillRuntime } from "../runtime/runtime.ts";
import { Schedules } from "../runtime/schedules.ts";

/** Approve's run and the schedule buttons, through the runtime (no model call per run). */
export function launcherOf(runtime: SkillRuntime): SkillLauncher {
  return {
    run: async (request) => ({ runId: (await runtime.enqueueRun(request)).runId }),
    schedule: async (request) => {
      const made = await new Schedules(runtime).create(request);
      return { id: made.id, next: made.next };
    },
    schedulesOnOtherVersions: async (skill, version) =>
      (await new Schedules(runtime).onOtherVersions(skill, version)).length,
    moveSchedules: async (skill, version, by) => (await new Schedules(runtime).move(skill, version, by)).length,
  };
}
