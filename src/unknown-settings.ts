/**
 * @module Environment variables that look like a chat2api setting but are not one (`AUTHORISATION` for
 * `AUTHORIZATION`, `CHATGPT_BASEURL`, `port`): chat2api would ignore them silently, and a misspelled key setting
 * leaves the server open. Reported at start as warnings naming the likely intended setting.
 */

export interface UnknownSetting {
  /** The variable as it was set. */
  name: string;
  /** The known setting it most likely means. */
  suggestion: string;
}

/**
 * First words of our settings that other software uses too (`USER_…`, `LOG_…`, `API_…`): a variable starting with
 * one of them is ours only if it is also close to one of our names.
 */
const SHARED_PREFIXES = new Set(["API", "AUTH", "USER", "DATA", "LOG", "ENABLE", "CHECK", "ALLOW", "RANDOM", "EXPORT", "PROXY", "REQUEST", "RETRY"]);

/**
 * Edit distance with adjacent transpositions (optimal string alignment): `PROT` is one edit from `PORT`. With a
 * `limit`, any distance above it may come back as `limit + 1`: the work stops at the first row whose every cell is over
 * it (later rows can only be larger), which for most pairs of names is the third.
 */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const cols = b.length + 1;
  // one flat table: this runs at start-up, before the JIT has warmed, for every variable against every setting
  const d = new Int32Array((a.length + 1) * cols);
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i <= a.length; i++) {
    d[i * cols] = i;
    let rowMin = i;
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((d[(i - 1) * cols + j] as number) + 1, (d[i * cols + j - 1] as number) + 1, (d[(i - 1) * cols + j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (d[(i - 2) * cols + j - 2] as number) + 1);
      d[i * cols + j] = best;
      if (best < rowMin) rowMin = best;
    }
    if (rowMin > limit) return limit + 1;
  }
  return d[a.length * cols + b.length] as number;
}

const MAX_TOLERANCE = 2;

/**
 * How far a name may be from a known one and still count as a misspelling of it: 2 edits, but only 1 for names of
 * 5 characters or fewer, where 2 edits reach unrelated words (`HOME` is 2 from `HOST`).
 */
function tolerance(known: string): number {
  return known.length <= 5 ? 1 : MAX_TOLERANCE;
}

function firstWord(name: string): string {
  return name.split("_")[0] ?? name;
}

/** The candidate nearest to `name`; with a `limit`, only one within it (null when none is). */
function nearest(name: string, candidates: readonly string[], limit = Number.POSITIVE_INFINITY): { name: string; distance: number } | null {
  let best: { name: string; distance: number } | null = null;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate, limit);
    if (distance > limit) continue;
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  return best;
}

/**
 * The variables of `envNames` that are not in `known` but look like one: within the edit distance (case ignored, so
 * `port` counts), or starting with one of our own first words (`CHATGPT_`, `POW_`, `MAX_`, …). Each comes with the
 * nearest known name. Pure: the caller passes `Object.keys(process.env)` and the settings' names.
 */
export function findUnknownSettings(envNames: Iterable<string>, known: readonly string[]): UnknownSetting[] {
  const knownSet = new Set(known);
  const prefixes = new Set(known.filter((name) => name.includes("_")).map(firstWord).filter((word) => !SHARED_PREFIXES.has(word)));
  const found: UnknownSetting[] = [];
  for (const name of envNames) {
    if (knownSet.has(name)) continue;
    const upper = name.toUpperCase();
    // only a setting within the largest tolerance can be within its own: the others are not measured to the end
    const closest = nearest(upper, known, MAX_TOLERANCE);
    if (closest && closest.distance <= tolerance(closest.name)) {
      found.push({ name, suggestion: closest.name });
    } else if (upper.includes("_") && prefixes.has(firstWord(upper))) {
      // far from every name: the nearest one with the same first word is the better guess
      const sameWord = nearest(upper, known.filter((candidate) => firstWord(candidate) === firstWord(upper)));
      if (sameWord) found.push({ name, suggestion: sameWord.name });
    }
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/** The warning line for one of them. */
export function describeUnknownSetting({ name, suggestion }: UnknownSetting): string {
  return `${name} is not a chat2api setting and is ignored; did you mean ${suggestion}?`;
}
