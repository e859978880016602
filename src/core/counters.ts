// Counters for every served request, refusal and error kind; each kind is reported the first time only.

export class Counters {
  readonly counts = new Map<string, number>();

  /** Count `n` (default one) events of `kind`; true the first time, so the caller logs a kind once and counts the rest. */
  add(kind: string, n = 1): boolean {
    const seen = this.counts.get(kind) ?? 0;
    this.counts.set(kind, seen + n);
    return seen === 0;
  }

  get(kind: string): number {
    return this.counts.get(kind) ?? 0;
  }

  /** One line, `served_tcp=3 client_gone=1`, in first-seen order. */
  summary(): string {
    if (this.counts.size === 0) return "no requests";
    return [...this.counts].map(([kind, n]) => `${kind}=${n}`).join(" ");
  }
}
