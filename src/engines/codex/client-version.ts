/**
 * @module The Codex client version this engine claims, and version comparison for the catalog's
 * `minimal_client_version` gating (§6.4): the `version` header, the User-Agent and the models call's
 * `client_version` must carry the same value.
 */

/** A released Codex CLI version at or above every `minimal_client_version` seen by September 2026 (gpt-6-* at 0.155.0). */
export const DEFAULT_CODEX_CLIENT_VERSION = "0.155.0";

/** `"0.144.0"`, `"0.144"` or the older catalog form `[0, 144, 0]` as numbers; null when unreadable. */
export function parseVersion(value: unknown): number[] | null {
  const parts = Array.isArray(value) ? value : typeof value === "string" ? value.trim().split(/[.+-]/).slice(0, 3) : null;
  if (!parts || parts.length === 0) return null;
  const numbers = parts.map((part) => (typeof part === "number" ? part : /^\d+$/.test(String(part)) ? Number(part) : Number.NaN));
  if (numbers.some((n) => !Number.isInteger(n) || n < 0)) return null;
  while (numbers.length < 3) numbers.push(0);
  return numbers;
}

/** Negative, zero or positive as `a` is below, equal to or above `b`. */
export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
