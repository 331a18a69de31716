/**
 * @module Bun's hidden fetch queue. Bun's `fetch` runs at most `BUN_CONFIG_MAX_HTTP_REQUESTS` requests at once (256
 * by default) and silently queues the rest, so upstream streams past it would wait unseen until their head timeout.
 * Bun reads the variable once, as the process starts (the environment or `.env`); setting it later does nothing, and
 * there is no API for it. So the entry point re-executes itself with it set (src/startup-settings.ts) unless the
 * operator set it, and warns when it is below what the settings need.
 */

export const FETCH_CAP_VARIABLE = "BUN_CONFIG_MAX_HTTP_REQUESTS";
const BUN_DEFAULT_CAP = 256;
/** Bun keeps the value in 16 bits; anything else it refuses with a line on stderr, and keeps 256. */
export const LARGEST_FETCH_CAP = 65_535;
/** Fetches besides the streams themselves: handshakes of conversations in their slot, OAuth, model lists, images. */
export const FETCH_HEADROOM = 256;

type Env = Record<string, string | undefined>;

/** The cap Bun applies with this environment, parsed as Bun parses it. */
export function fetchCapOf(env: Env): number {
  const raw = env[FETCH_CAP_VARIABLE];
  // Zig's parseInt: an optional `+`, digits, `_` between digits; no spaces
  if (raw === undefined || !/^\+?\d+(_\d+)*$/.test(raw)) return BUN_DEFAULT_CAP;
  const cap = Number(raw.replace(/[+_]/g, ""));
  return cap >= 1 && cap <= LARGEST_FETCH_CAP ? cap : BUN_DEFAULT_CAP;
}

/** A start-up warning when Bun's cap is below MAX_UPSTREAM_STREAMS plus the headroom; null when it is not. */
export function fetchCapWarning(maxUpstreamStreams: number, env: Env): string | null {
  const cap = fetchCapOf(env);
  const needed = maxUpstreamStreams + FETCH_HEADROOM;
  if (cap >= needed) return null;
  return (
    `Bun's fetch runs only ${cap} requests at once (${FETCH_CAP_VARIABLE}${env[FETCH_CAP_VARIABLE] === undefined ? " unset" : `=${env[FETCH_CAP_VARIABLE]}`}), ` +
    `fewer than MAX_UPSTREAM_STREAMS=${maxUpstreamStreams} plus ${FETCH_HEADROOM} for handshakes: the rest would wait unseen. ` +
    `Set ${FETCH_CAP_VARIABLE}=${Math.min(needed, LARGEST_FETCH_CAP)} (or more, up to ${LARGEST_FETCH_CAP}) in the environment or .env before start, or lower MAX_UPSTREAM_STREAMS.`
  );
}
