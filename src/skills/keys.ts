/**
 * The skill store's Redis keys, under the app's prefix. Everything here is kept: skill versions are the
 * procedural memory itself.
 */
export class SkillKeys {
  constructor(readonly prefix: string) {}

  /** The number of the latest version saved (a counter: versions are 1, 2, …). */
  versions(name: string): string {
    return `${this.prefix}:skill:${name}:versions`;
  }
  /** One immutable version, as JSON. */
  version(name: string, version: number): string {
    return `${this.prefix}:skill:${name}:v${version}`;
  }
  /** The version that runs (a rollback moves it). */
  latest(name: string): string {
    return `${this.prefix}:skill:${name}:latest`;
  }
  /** The people who authored or approved any of its versions (a set of user keys). */
  owners(name: string): string {
    return `${this.prefix}:skill:${name}:owners`;
  }
  /** A pub/sub channel: the name of a skill whose version that runs changed (a save, a rollback). */
  changes(): string {
    return `${this.prefix}:skill:changes`;
  }
  /** Every skill's name (a set). */
  names(): string {
    return `${this.prefix}:skill:names`;
  }
}
