// Log-once: the first of each kind of trouble gets a line, the rest are only counted.

export class FirstTime {
  readonly #seen = new Set<unknown>();

  /** True the first time `key` is asked about, false ever after. */
  of(key: unknown): boolean {
    if (this.#seen.has(key)) return false;
    this.#seen.add(key);
    return true;
  }
}
