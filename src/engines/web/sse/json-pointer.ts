/** @module RFC 6901 JSON Pointer parsing for the `p` field of v1 deltas. */

/** Splits `"/message/content/parts/0"` into `["message", "content", "parts", "0"]`; `""` is the root (`[]`).
 * Returns `undefined` for a pointer that is not valid RFC 6901 (no leading `/`, or `~` not followed by 0 or 1). */
export function parseJsonPointer(pointer: string): string[] | undefined {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) return undefined;
  const tokens = pointer.slice(1).split("/");
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index] ?? "";
    if (!token.includes("~")) continue;
    if (/~(?![01])/.test(token)) return undefined;
    // `~1` first: decoding `~01` must give `~1`, not `/`.
    tokens[index] = token.replaceAll("~1", "/").replaceAll("~0", "~");
  }
  return tokens;
}

/** An array index token: `0` or a number without leading zeros (RFC 6901 §4). */
export function parseArrayIndex(token: string): number | undefined {
  return /^(?:0|[1-9]\d*)$/.test(token) ? Number(token) : undefined;
}
