/**
 * @module The 2026 requirements token `p` (web-2026.md §3.2): the fingerprint encoded once, slot 3 = 1 and slot 9 a
 * random fraction; no nonce search any more (the 2024 token proved an easy difficulty, solve.ts).
 */
import type { PowConfig } from "./config.ts";
import { REQUIREMENTS_PREFIX } from "./solve.ts";

export function requirementsToken2026(config: PowConfig, random: () => number = Math.random): string {
  const slots: unknown[] = [...config];
  slots[3] = 1;
  slots[9] = random();
  return REQUIREMENTS_PREFIX + Buffer.from(JSON.stringify(slots), "utf8").toString("base64");
}
