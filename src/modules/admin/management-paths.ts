/**
 * @module Which paths are the management surface (the token routes, the admin page and API, the metrics scrape):
 * they get the allow-list CORS policy and may take forms. The API (/v1/*) and the gateway are not management.
 */
import { decodeEscapes } from "../../http/decode-escapes.ts";

const MANAGEMENT = /^\/(admin|tokens|metrics)(\/|$)/;

/** `path` without API_PREFIX. Judged decoded: `/%61dmin` is routed as `/admin`, so it must count as `/admin`. */
export function isManagementPath(path: string): boolean {
  return MANAGEMENT.test(decodeEscapes(path).replace(/\/{2,}/g, "/"));
}
