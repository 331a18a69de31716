/**
 * @module Which web backend the emulator speaks (upstream.md's 2024 flow or web-2026.md's) and the 2026 mode's
 * switches; both live in one mutable object so a running emulator can change them between two requests.
 */

import { type HandoffMode, isHandoffMode } from "./handoff.ts";

export type WebGeneration = "2024" | "2026";

export interface Web2026Settings {
  /** How the 2024 single-step `sentinel/chat-requirements` and `POST /conversation` answer in 2026 mode. */
  legacyEndpoints: "404" | "200";
  /** Anonymous `f/conversation` is served (true) or refused with the 2026 "Unusual activity" 403 (false). */
  anonAllowed: boolean;
  /** A SHA3-512 proof (the 2024 algorithm) passes finalize too: the "lenient 2026" server of web-2026.md §3.6. */
  acceptSha3InFnvMode: boolean;
  /** `f/conversation` needs `x-conduit-token` from `f/conversation/prepare`; false lets a write without one through. */
  requireConduit: boolean;
  /** `oai-device-id` must equal the `oai-did` cookie whenever the request carries that cookie. */
  deviceCookieStrict: boolean;
  /** A write whose `x-oai-turn-trace-id` differs from its conduit prepare's: logged as a warning, or refused (400). */
  turnTraceCheck: "warn" | "reject";
  /** A write without `client_prepare_state` is served by `gpt-5-5-mini` (the "mini pool", web-2026.md §5.1). */
  miniPool: boolean;
  /** Every write is served by this slug instead of the one asked for (a silent downgrade); null = no downgrade. */
  downgradeTo: string | null;
  /** The stream carries `input_message`, `message_marker`, `conversation_detail_metadata` and one line holding two payloads. */
  realisticStream: boolean;
  /** The `required` flag of the `so` challenge in prepare; the so-token itself is never required. */
  soRequired: boolean;
  /** The older slugs a plan had (gpt-4o…) are still accepted beside the 2026 ones (web-2026.md §9.1 "may still be accepted"). */
  retiredSlugs: boolean;
  /** Where the answer goes (web-2026.md §6.4): in the write's stream, or handed off to resume and WebSocket, or to the WebSocket only. */
  handoff: HandoffMode;
  /** Image turns finish after the stream: a placeholder is streamed, the image is in `GET conversation/{id}` (web-2026.md §7.2). */
  asyncImages: boolean;
  /**
   * With `asyncImages`: how long after the write (by the emulator clock) the finished image replaces the placeholder in
   * `GET conversation/{id}`; null keeps the placeholder there for good (a task that never finishes).
   */
  asyncImageDelayMs: number | null;
}

export const DEFAULT_WEB2026_SETTINGS: Web2026Settings = {
  legacyEndpoints: "404",
  anonAllowed: false,
  acceptSha3InFnvMode: false,
  requireConduit: true,
  deviceCookieStrict: true,
  turnTraceCheck: "warn",
  miniPool: false,
  downgradeTo: null,
  realisticStream: true,
  soRequired: false,
  retiredSlugs: false,
  handoff: "none",
  asyncImages: false,
  asyncImageDelayMs: 0,
};

/** The state the router reads on every request. */
export interface WebMode {
  generation: WebGeneration;
  settings: Web2026Settings;
}

export function isWebGeneration(value: unknown): value is WebGeneration {
  return value === "2024" || value === "2026";
}

const CHOICES: { [K in keyof Web2026Settings]: (value: unknown) => boolean } = {
  legacyEndpoints: (v) => v === "404" || v === "200",
  anonAllowed: (v) => typeof v === "boolean",
  acceptSha3InFnvMode: (v) => typeof v === "boolean",
  requireConduit: (v) => typeof v === "boolean",
  deviceCookieStrict: (v) => typeof v === "boolean",
  turnTraceCheck: (v) => v === "warn" || v === "reject",
  miniPool: (v) => typeof v === "boolean",
  downgradeTo: (v) => v === null || (typeof v === "string" && /^[\w.-]+$/.test(v)),
  realisticStream: (v) => typeof v === "boolean",
  soRequired: (v) => typeof v === "boolean",
  retiredSlugs: (v) => typeof v === "boolean",
  handoff: isHandoffMode,
  asyncImages: (v) => typeof v === "boolean",
  asyncImageDelayMs: (v) => v === null || (typeof v === "number" && Number.isInteger(v) && v >= 0),
};

function isSettingKey(key: string): key is keyof Web2026Settings {
  return key in CHOICES;
}

/**
 * Checks a partial settings object (from options or the control API) and returns its defined entries; throws
 * TypeError naming the bad key.
 */
export function checkWeb2026Settings(partial: Record<string, unknown>): Partial<Web2026Settings> {
  const checked: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(partial)) {
    if (value === undefined) continue;
    if (!isSettingKey(key)) throw new TypeError(`unknown 2026 setting "${key}"`);
    if (!CHOICES[key](value)) throw new TypeError(`2026 setting "${key}" cannot be ${JSON.stringify(value)}`);
    checked[key] = value;
  }
  return checked as Partial<Web2026Settings>;
}

/** The 2026 settings among the emulator's options (the other options are not settings). */
export function pickWeb2026Settings(options: Partial<Web2026Settings>): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(CHOICES)) if (isSettingKey(key) && options[key] !== undefined) picked[key] = options[key];
  return picked;
}
