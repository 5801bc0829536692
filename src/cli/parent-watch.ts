/**
 * The launchers (bin/codemem.mjs, scripts/bootstrap.mjs) pass their pid in CODEMEM_PARENT_PID. A
 * launcher that is SIGKILLed cannot forward a signal, and `codemem start` or a worker would run on,
 * holding its port and its items' locks; so a child whose launcher is gone stops itself as if it had
 * been sent SIGTERM (gracefully). Returns the stop function; does nothing without the variable.
 */
export function stopWhenLauncherDies(env: NodeJS.ProcessEnv = process.env, intervalMs = 1000): () => void {
  const launcher = Number(env.CODEMEM_PARENT_PID);
  // Meant for this process only: the processes it starts have other parents.
  delete env.CODEMEM_PARENT_PID;
  if (!Number.isInteger(launcher) || launcher <= 0) return () => {};
  const timer = setInterval(() => {
    if (process.ppid === launcher) return;
    clearInterval(timer);
    process.kill(process.pid, "SIGTERM");
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
