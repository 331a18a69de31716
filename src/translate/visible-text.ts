/**
 * @module What of a message's raw text a reader may see: citation markers removed, sandbox links rewritten, and
 * while the message streams, a tail that could still become a marker or a link held back.
 *
 * Holding back keeps the visible text of a growing message a prefix of its final visible text, so snapshot diffs
 * never print half a marker (`【4†sou`) that the next event would have removed.
 */

const SANDBOX_OPEN = "(sandbox:";

/** Constructs that change once complete: from the opener on, nothing is shown until the closer arrives. */
const PENDING_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ["【", "】"],
  ["\ue200", "\ue201"],
  [SANDBOX_OPEN, ")"],
];

/** `【4†source】` (browsing, 2024) and `\ue200cite\ue202turn0search0\ue201` (2025): pointers into metadata, never prose. */
const CITATION_MARKERS = /【[^【】]*†[^【】]*】|\ue200[^\ue200\ue201]*\ue201/g;
const SANDBOX_LINK = /\(sandbox:([^)\s]+)\)/g;

function heldBackFrom(raw: string): number {
  let cut = raw.length;
  for (const [open, close] of PENDING_PAIRS) {
    const at = raw.lastIndexOf(open);
    if (at >= 0 && !raw.includes(close, at + open.length)) cut = Math.min(cut, at);
  }
  // "…(sand" may be the start of a sandbox link the next event completes
  for (let length = SANDBOX_OPEN.length - 1; length > 0; length--) {
    if (raw.endsWith(SANDBOX_OPEN.slice(0, length))) return Math.min(cut, raw.length - length);
  }
  return cut;
}

/** The visible text so far; `final` once the message is complete (nothing more is held back). */
export function visibleText(raw: string, final: boolean): string {
  const shown = final ? raw : raw.slice(0, heldBackFrom(raw));
  return shown.replace(CITATION_MARKERS, "");
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
