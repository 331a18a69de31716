/**
 * @module What worked with one upstream base URL, remembered for a while and then forgotten, so a choice made on a
 * failure is probed again later (the generation: web-2026.md §11 items 1 and 6; the proof-of-work hash: item 2).
 */

export class HostMemory<T> {
  private readonly entries = new Map<string, { value: T; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  /** The value remembered for `host`, while it is fresh. */
  get(host: string): T | undefined {
    const entry = this.entries.get(host);
    if (!entry) return undefined;
    if (entry.until > this.now()) return entry.value;
    this.entries.delete(host);
    return undefined;
  }

  set(host: string, value: T): void {
    this.entries.set(host, { value, until: this.now() + this.ttlMs });
  }

  forget(host: string): void {
    this.entries.delete(host);
  }
}

/** How long a fallback is trusted before the preferred choice is tried again. */
export const REPROBE_AFTER_MS = 30 * 60_000;
