/**
 * @module `GET /` of a 2026 backend (web-2026.md §1.3, §10 item 1): the same page (`data-build="prod-<40 hex>"`, script
 * srcs) plus the Sentinel SDK script and a fresh `oai-did` device cookie, which later calls must echo in
 * `oai-device-id` whenever they send the cookie back.
 */
import { randomUUID } from "node:crypto";
import { homePage } from "../home.ts";

export const SENTINEL_SDK_URL = "https://chatgpt.com/backend-api/sentinel/sdk.js";

export function homePage2026(): Response {
  const response = homePage([SENTINEL_SDK_URL]);
  response.headers.append("set-cookie", `oai-did=${randomUUID()}; Path=/; Max-Age=31536000; SameSite=Lax`);
  return response;
}
