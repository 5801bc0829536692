/**
 * A command is done when it returns; what keeps the process alive after that is a connection some
 * library did not close (seen: a BullMQ connection to a Redis Cluster, rarely, after every close had
 * returned). Past `graceMs` the process says what is still open, in one line, and exits with its code.
 * Not at once: an exit right after an isolate's disposal can segfault, and a normal exit needs no help
 * (the timer is unref'd, so it never keeps the process alive itself).
 */
export function exitIfLingering(
  graceMs = 10_000,
  write: (line: string) => void = (line) => process.stderr.write(line),
): void {
  setTimeout(() => {
    const open = process.getActiveResourcesInfo().filter((kind) => kind !== "Timeout");
    write(
      `codemem: the command finished but ${open.length} handle(s) stayed open (${[...new Set(open)].join(", ")}); exiting\n`,
    );
    process.exit();
  }, graceMs).unref();
}
