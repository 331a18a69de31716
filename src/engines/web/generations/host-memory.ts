/**
 * @module What worked with one upstream base URL, remembered for a while and then probed again, so a choice made on a
 * failure does not last for ever (the generation: web-2026.md §11 items 1 and 6; the proof-of-work hash: item 2).
 *
 * Once a value is past its time, one request at a time probes the preferred choice again (`get` tells it nothing)
 * while the others keep the old value, so every request in flight at that moment does not probe at once. The prober
 * says what it found with `set` (the old choice again: trusted for another while) or `forget` (the preferred one
 * works). A probe that says neither, because it failed for another reason, lets the next request probe once its own
 * time is up.
 */

interface Remembered<T> {
  value: T;
  until: number;
  /** While a probe is out: until when the others keep the old value. */
  probedUntil: number;
}

export class HostMemory<T> {
  private readonly entries = new Map<string, Remembered<T>>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly probeMs: number = PROBE_WINDOW_MS,
  ) {}

  /** The value remembered for `host`; undefined when none is, or when this caller is the one to probe again. */
  get(host: string): T | undefined {
    const entry = this.entries.get(host);
    if (!entry) return undefined;
    const now = this.now();
    if (entry.until > now || entry.probedUntil > now) return entry.value;
    entry.probedUntil = now + this.probeMs;
    return undefined;
  }

  set(host: string, value: T): void {
    this.entries.set(host, { value, until: this.now() + this.ttlMs, probedUntil: 0 });
  }

  forget(host: string): void {
    this.entries.delete(host);
  }
}

/** How long a fallback is trusted before the preferred choice is tried again. */
export const REPROBE_AFTER_MS = 30 * 60_000;

/** How long one probe has to say what it found before another request may probe (a handshake takes seconds). */
export const PROBE_WINDOW_MS = 60_000;
