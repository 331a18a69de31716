/**
 * @module What a message snapshot added since the last one: the text after a position, cut from the snapshot's
 * pieces (see `messageRawSegments`) without joining or reading what came before.
 *
 * Why it matters: the upstream's streamed text is one string grown by appends (a rope). Cutting it exactly where the
 * previous snapshot ended takes the appended piece alone; joining the pieces, or searching the whole string,
 * flattens it, a copy of the whole answer on every event.
 */

/** The concatenation of `segments` from position `from` on ("" when it is no longer than `from`). */
export function textAfter(segments: readonly string[], from: number): string {
  const after: string[] = [];
  let start = 0;
  for (const segment of segments) {
    const end = start + segment.length;
    if (end > from) after.push(from > start ? segment.slice(from - start) : segment);
    start = end;
  }
  return after.join("");
}
