/** A listen address only this machine can reach: the console needs no admin token there. */
export function isLoopbackHost(host: string): boolean {
  return host === "127.0.0.1" || host === "localhost" || host === "::1";
}
