/** @module The proof-of-work difficulty guard (upstream.md §4.3): refuse a challenge harder than POW_DIFFICULTY. */

/**
 * True when `difficulty` is at least as hard as `limit` (so the caller should give up rather than solve it).
 *
 * A hash is accepted when its first n hex digits are <= the difficulty, so a *lower* difficulty is *harder*, and
 * lowercase hex strings of one length order like the numbers they spell: a string comparison is a numeric one.
 * Only the common-length prefixes are compared. When those are equal the two differ by less than one unit of the
 * last shared digit and we count that as too hard, on the safe side; chat2api's plain `<=` would instead call
 * `000032` easier than a limit of `00003` because the longer string sorts after its prefix, although it is harder.
 */
export function isTooHard(difficulty: string, limit: string): boolean {
  const length = Math.min(difficulty.length, limit.length);
  return difficulty.slice(0, length).toLowerCase() <= limit.slice(0, length).toLowerCase();
}
