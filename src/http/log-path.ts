/**
 * @module The path as the access log shows it. API_PREFIX is a secret, so it is logged as `<prefix>` (and a first
 * segment that is not the prefix, perhaps a mistyped one, as `<not-prefix>`); the token in `/tokens/add/{token}` is
 * `[redacted]`. Both are judged on the percent-decoded segments, so `%2E` or `%5F` inside a token hides nothing.
 */
import { decodeEscapes } from "./decode-escapes.ts";

/** `prefix`: API_PREFIX without slashes, or null. */
export function logPath(path: string, prefix: string | null): string {
  const raw = path.split("/");
  const decoded = raw.map(decodeEscapes);
  const shown = [...raw];
  let first = 1;
  if (prefix) {
    shown[1] = decoded[1] === prefix ? "<prefix>" : "<not-prefix>";
    first = 2;
  }
  for (let i = first; i < decoded.length - 2; i++) {
    if (decoded[i] === "tokens" && decoded[i + 1] === "add") return [...shown.slice(0, i + 2), "[redacted]"].join("/");
  }
  return shown.join("/");
}
