/**
 * @module The 2026 fingerprint (web-2026.md §3.1): the 18 slots of 2024 with the page's own language, time zone and
 * `data-build`, the device id in slot 14 (an empty or random slot 14 looks like a fresh device and is routed to the
 * "mini" models), and seven `"X" in window` flags, all 0 as in Chrome.
 */
import { CORES, DOCUMENT_KEYS, FALLBACK_SCRIPT, NAVIGATOR_ENTRIES, type PowConfig, SCREEN_SUMS, WINDOW_KEYS } from "./config.ts";

export interface PowConfig2026Input {
  userAgent: string;
  scriptSources: readonly string[];
  /** `<html data-build>` (`prod-<sha>`), or null when the page had none. */
  dataBuild: string | null;
  /** `navigator.language`, e.g. `en-US` (the same as `oai-language`). */
  language: string;
  /** `Date.toString()` in the browser's zone (browser-clock.ts), consistent with the body's `timezone`. */
  dateString: string;
  deviceId: string;
  now: Date;
  random?: () => number;
}

/** Chrome 100+ on a desktop reports 4 GiB. */
const JS_HEAP_SIZE_LIMIT = 4294967296;
const WINDOW_FLAGS = 7;

export function buildPowConfig2026(input: PowConfig2026Input): PowConfig {
  const random = input.random ?? Math.random;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const performanceNow = Math.round((1_000 + random() * 19_000) * 10) / 10;
  const primary = input.language.split("-")[0] ?? input.language;
  const languages = primary === input.language ? input.language : `${input.language},${primary}`;
  return [
    pick(SCREEN_SUMS),
    input.dateString,
    JS_HEAP_SIZE_LIMIT,
    0,
    input.userAgent,
    input.scriptSources.length > 0 ? pick(input.scriptSources) : FALLBACK_SCRIPT,
    input.dataBuild,
    input.language,
    languages,
    0,
    pick(NAVIGATOR_ENTRIES),
    pick(DOCUMENT_KEYS),
    pick(WINDOW_KEYS),
    performanceNow,
    input.deviceId,
    "",
    pick(CORES),
    input.now.getTime() - performanceNow,
    ...Array.from({ length: WINDOW_FLAGS }, () => 0),
  ];
}
