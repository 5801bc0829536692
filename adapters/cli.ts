import { CORE_COMMANDS, main } from "../src/cli/main.ts";
import { processIo } from "../src/cli/io.ts";
import { exitIfLingering } from "../src/cli/linger.ts";
import { stopWhenLauncherDies } from "../src/cli/parent-watch.ts";
import { PLATFORMS } from "./registry.ts";
import { gcCommand } from "./gc.ts";
import { skillsCommand } from "./skills-cli.ts";
import { startCommand } from "./start.ts";

// The composition root of the command line: the core's commands plus those that need an adapter.
stopWhenLauncherDies();
// Exit through exitCode, never process.exit(): an exit right after an isolate disposal can segfault.
process.exitCode = await main(process.argv.slice(2), processIo({ platforms: PLATFORMS }), {
  ...CORE_COMMANDS,
  start: startCommand,
  gc: gcCommand,
  skills: skillsCommand,
});
exitIfLingering();
