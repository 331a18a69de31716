/**
 * @module The browser fingerprint that the proof-of-work hashes (upstream.md §4.2): an 18-element array whose
 * idx 3 and 9 are the nonce slots the solver fills in. The 2026 page adds seven `"X" in window` flags
 * (web-2026.md §3.1, config-2026.ts).
 */

/** The §4.2 config array (18 slots, or 25 with the 2026 window flags). Index 3 and 9 are the nonce slots (0 in a fresh config). */
export type PowConfig = readonly [
  screenSum: number,
  date: string,
  jsHeapSizeLimit: number,
  nonce: number,
  userAgent: string,
  scriptSource: string,
  buildId: string | null,
  language: string,
  languages: string,
  halfNonce: number,
  navigatorKey: string,
  documentKey: string,
  windowKey: string,
  performanceNow: number,
  pageId: string,
  unknown: string,
  hardwareConcurrency: number,
  timeOrigin: number,
  ...windowFlags: number[],
];

export interface PowConfigInput {
  userAgent: string;
  /** `<script src>` URLs from the build scrape (§4.7); one is reported as the page's script. */
  scriptSources: string[];
  buildId: string | null;
  now: Date;
  random?: () => number;
}

export const SCREEN_SUMS = [3000, 4000, 3120, 4160];
export const CORES = [8, 16, 24, 32];
/** The browser reports some script; the sentinel SDK is what a page without scripts would still have loaded. */
export const FALLBACK_SCRIPT = "https://chatgpt.com/backend-api/sentinel/sdk.js";

/** Chrome's `navigator` properties as `Object.keys` sees them, with their stringified values. */
export const NAVIGATOR_ENTRIES = [
  "webdriver−false",
  "vendor−Google Inc.",
  "vendorSub−",
  "product−Gecko",
  "productSub−20030107",
  "appCodeName−Mozilla",
  "appName−Netscape",
  "cookieEnabled−true",
  "onLine−true",
  "pdfViewerEnabled−true",
  "maxTouchPoints−0",
  "deviceMemory−8",
  "doNotTrack−null",
  "language−en-US",
  "userAgentData−[object NavigatorUAData]",
  "connection−[object NetworkInformation]",
  "geolocation−[object Geolocation]",
  "mediaDevices−[object MediaDevices]",
  "clipboard−[object Clipboard]",
  "locks−[object LockManager]",
  "storage−[object StorageManager]",
  "serviceWorker−[object ServiceWorkerContainer]",
  "webkitTemporaryStorage−[object DeprecatedStorageQuota]",
];

/** `Object.keys(document)` on chatgpt.com: React's listener marker (random suffix per page load) and `location`. */
export const DOCUMENT_KEYS = ["_reactListeningx4k9d2mq7wt", "location"];

/** Own properties of a chatgpt.com `window`, Next.js globals included. */
export const WINDOW_KEYS = [
  "window",
  "self",
  "document",
  "location",
  "customElements",
  "history",
  "navigation",
  "navigator",
  "origin",
  "screen",
  "innerWidth",
  "innerHeight",
  "scrollY",
  "visualViewport",
  "devicePixelRatio",
  "clientInformation",
  "onload",
  "onerror",
  "onmessage",
  "fetch",
  "localStorage",
  "sessionStorage",
  "indexedDB",
  "crypto",
  "performance",
  "caches",
  "cookieStore",
  "scheduler",
  "trustedTypes",
  "requestIdleCallback",
  "__NEXT_DATA__",
  "__next_f",
  "webpackChunk_N_E",
];

export function buildPowConfig(input: PowConfigInput): PowConfig {
  const random = input.random ?? Math.random;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  // A page open for 1–20 s, at Chrome's 0.1 ms timer resolution.
  const performanceNow = Math.round((1_000 + random() * 19_000) * 10) / 10;
  return [
    pick(SCREEN_SUMS),
    easternDateString(input.now),
    4294705152,
    0,
    input.userAgent,
    input.scriptSources.length > 0 ? pick(input.scriptSources) : FALLBACK_SCRIPT,
    input.buildId,
    "en-US",
    "en-US,es-US,en,es",
    0,
    pick(NAVIGATOR_ENTRIES),
    pick(DOCUMENT_KEYS),
    pick(WINDOW_KEYS),
    performanceNow,
    uuidV4(random),
    "",
    pick(CORES),
    input.now.getTime() - performanceNow,
  ];
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const EASTERN_OFFSET_MS = 5 * 3_600_000;

/** `Date.prototype.toString()` as a browser in New York would print it (fixed UTC−5, as chat2api does). */
export function easternDateString(now: Date): string {
  const t = new Date(now.getTime() - EASTERN_OFFSET_MS);
  const pad = (n: number) => String(n).padStart(2, "0");
  const time = `${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
  return `${DAYS[t.getUTCDay()]} ${MONTHS[t.getUTCMonth()]} ${pad(t.getUTCDate())} ${t.getUTCFullYear()} ${time} GMT-0500 (Eastern Standard Time)`;
}

/** Drawn from `random` rather than `crypto.randomUUID()` so an injected generator makes the whole config reproducible. */
function uuidV4(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = "4";
  hex[16] = (8 + Math.floor(random() * 4)).toString(16);
  const s = hex.join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
