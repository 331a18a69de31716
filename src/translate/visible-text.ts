/**
 * @module What of a message's raw text a reader may see, computed as the text arrives: citation markers removed,
 * sandbox links kept whole for the renderer to rewrite, and while the message streams, a tail that could still
 * become a marker or a link held back.
 *
 * Holding back keeps the visible text of a growing message a prefix of its final visible text, so the reader never
 * sees half a marker (`【4†sou`) that the next event would have removed. Each piece of raw text is looked at once,
 * plus what is held back, which {@link MAX_MARKER_LENGTH} bounds: a long answer costs its length, not its square.
 */

/**
 * Citation markers and sandbox links longer than this (in UTF-16 units) are prose. Real ones are a few dozen
 * characters (a sandbox path is at most a file name under `/mnt/data/`); the bound keeps an opener that is never
 * closed from holding back, and being looked at again, without end.
 */
export const MAX_MARKER_LENGTH = 4096;

const SANDBOX_OPEN = "(sandbox:";
const MAX_SANDBOX_PATH = MAX_MARKER_LENGTH - SANDBOX_OPEN.length - 1;
const SANDBOX_LINK = new RegExp(`\\(sandbox:([^)\\s]{1,${MAX_SANDBOX_PATH}})\\)`, "g");

/** `【4†source】` (browsing, 2024) and `\ue200cite\ue202turn0search0\ue201` (2025): pointers into metadata, never prose. */
const CITATION_OPENERS = /[【\ue200]/g;
const BRACKET_STOPS = /[【】]/g;
const PRIVATE_USE_STOPS = /[\ue200\ue201]/g;
const DAGGERS = /†/g;
const LINK_STOPS = /[)\s]/g;

/** Where a marker or link starting at some position ends (exclusive); `PROSE` if it is none; `OPEN` while undecided. */
const PROSE = -1;
const OPEN = -2;

/**
 * The first match of `pattern` (global) in `text` at or after a position, for positions that only grow: the
 * answer is kept until a position passes it, so each character is searched once however many openers ask.
 */
function nextMatches(text: string, pattern: RegExp): (from: number) => number {
  let searchedFrom = Infinity;
  let found = -1;
  return (from) => {
    if (from < searchedFrom || (found >= 0 && from > found)) {
      pattern.lastIndex = from;
      found = pattern.exec(text)?.index ?? -1;
      searchedFrom = from;
    }
    return found;
  };
}

/** How a construct opened at `at` with no closing character in sight ends: it may yet close, unless bounded out. */
function unclosed(text: string, at: number, final: boolean): number {
  return final || text.length - at >= MAX_MARKER_LENGTH ? PROSE : OPEN;
}

/**
 * Citation markers: `【…】` with a `†` inside and neither bracket, or `\ue200…\ue201` with neither of those, at
 * most {@link MAX_MARKER_LENGTH} long. The first bracket after the opener decides.
 */
function citationScanner(text: string, final: boolean): (at: number) => number {
  const bracketStop = nextMatches(text, BRACKET_STOPS);
  const privateUseStop = nextMatches(text, PRIVATE_USE_STOPS);
  const dagger = nextMatches(text, DAGGERS);
  return (at) => {
    const bracket = text[at] === "【";
    const stop = (bracket ? bracketStop : privateUseStop)(at + 1);
    if (stop < 0) return unclosed(text, at, final);
    if (stop - at >= MAX_MARKER_LENGTH || text[stop] !== (bracket ? "】" : "\ue201")) return PROSE;
    if (bracket && !(dagger(at + 1) >= 0 && dagger(at + 1) < stop)) return PROSE;
    return stop + 1;
  };
}

/** Sandbox links `(sandbox:<path>)`, as {@link SANDBOX_LINK} matches them. */
function linkScanner(text: string, final: boolean): (at: number) => number {
  const linkStop = nextMatches(text, LINK_STOPS);
  return (at) => {
    const head = text.slice(at, at + SANDBOX_OPEN.length);
    if (head !== SANDBOX_OPEN) {
      // "…(sand" may be the start of a link the next event completes
      const prefix = head.length < SANDBOX_OPEN.length && SANDBOX_OPEN.startsWith(head);
      return prefix && !final ? OPEN : PROSE;
    }
    const pathAt = at + SANDBOX_OPEN.length;
    const stop = linkStop(pathAt);
    if (stop < 0) return unclosed(text, at, final);
    if (stop - at >= MAX_MARKER_LENGTH || text[stop] !== ")" || stop === pathAt) return PROSE;
    return stop + 1;
  };
}

/** `text` without its decided citation markers, up to the first undecided one (`held`: from there on). */
function withoutCitations(text: string, final: boolean): { shown: string; held: number } {
  const markerEnd = citationScanner(text, final);
  const kept: string[] = [];
  let copied = 0;
  CITATION_OPENERS.lastIndex = 0;
  for (let found = CITATION_OPENERS.exec(text); found; found = CITATION_OPENERS.exec(text)) {
    const end = markerEnd(found.index);
    if (end === PROSE) continue;
    kept.push(text.slice(copied, found.index));
    if (end === OPEN) return { shown: kept.join(""), held: found.index };
    copied = end;
    CITATION_OPENERS.lastIndex = end;
  }
  kept.push(text.slice(copied));
  return { shown: kept.join(""), held: text.length };
}

/** Where the first undecided sandbox link of `text` begins (its length when there is none). */
function linksHeldFrom(text: string, final: boolean): number {
  const linkEnd = linkScanner(text, final);
  for (let at = text.indexOf("("); at >= 0; ) {
    const end = linkEnd(at);
    if (end === OPEN) return at;
    at = text.indexOf("(", end === PROSE ? at + 1 : end);
  }
  return text.length;
}

/** Counts the characters looked at, so tests and benches can see the work grow with the text, not its square. */
export interface ScanMeter {
  characters: number;
}

/**
 * One message's visible text, fed the raw text as it grows. Two stages, as the whole-text rules apply them:
 * citation markers come out first (a link may only be whole once a marker inside it is gone), then links are held
 * until complete.
 */
export class VisibleText {
  private citationsHeld = "";
  private linksHeld = "";

  constructor(private readonly meter?: ScanMeter) {}

  /** The visible text that `raw` (the next raw text) settles; `final` once the message is complete: nothing held. */
  push(raw: string, final: boolean): string {
    const first = this.citationsHeld + raw;
    const { shown, held } = withoutCitations(first, final);
    this.citationsHeld = first.slice(held);
    const second = this.linksHeld + shown;
    const linksFrom = linksHeldFrom(second, final);
    this.linksHeld = second.slice(linksFrom);
    if (this.meter) this.meter.characters += first.length + second.length;
    return second.slice(0, linksFrom);
  }
}

/** The visible text of a whole raw text; `final` once the message is complete (nothing more is held back). */
export function visibleText(raw: string, final: boolean): string {
  return new VisibleText().push(raw, final);
}

/** The distinct sandbox paths (`/mnt/data/…`) linked from `text`. */
export function sandboxPaths(text: string): string[] {
  return [...new Set(Array.from(text.matchAll(SANDBOX_LINK), (match) => match[1] ?? ""))];
}

/** Replaces `(sandbox:<path>)` by `(<url>)` for every path with a URL; unresolved links stay as they are. */
export function rewriteSandboxLinks(text: string, urls: ReadonlyMap<string, string | null>): string {
  return text.replace(SANDBOX_LINK, (link, path: string) => {
    const url = urls.get(path);
    return url ? `(${url})` : link;
  });
}
