/**
 * @module An account's Codex quota as windows identified by their length (§5): read from the `x-codex-*` headers
 * of every answer, the 429 `usage_limit_reached` body and `GET /backend-api/wham/usage`, and judged by
 * `bindingWindow` (which window limits, how much is left, until when the account must rest).
 *
 * Windows are never read by position: Free and prolite report their weekly window as "primary", Plus and Team a
 * 5-hour primary and a weekly secondary, some workspaces a 30-day one (codex.md §5.3, pitfall 14).
 */

export interface QuotaWindow {
  /** The window's length, which identifies it: 300 (5 hours), 10080 (a week), 43800 (a month)… */
  windowMinutes: number;
  /** Percent of the window used (0-100; may pass 100). */
  usedPercent: number;
  /** When the window resets, epoch milliseconds; null when the upstream did not say. */
  resetsAt: number | null;
}

export interface QuotaWindows {
  planType: string | null;
  /** Sorted by length, shortest first; one per length. */
  windows: QuotaWindow[];
  /** Set by a usage-limit refusal: the account is spent until then (epoch ms), whatever the windows say. */
  limitReachedUntil: number | null;
  /** When this was observed, epoch milliseconds. */
  observedAt: number;
}

export interface UsageLimit {
  planType: string | null;
  /** Epoch milliseconds. */
  resetsAt: number;
  resetsInSec: number;
}

export interface BindingWindow {
  /** The window that limits: the most used one still running; null when nothing is known. */
  window: QuotaWindow | null;
  /** Percent left in the binding window (0 when resting, 100 when nothing is known). */
  headroom: number;
  /** While a window is at 100 % (or a usage limit was announced): when the account may be used again, epoch ms. */
  restingUntil: number | null;
}

function finiteNumber(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string" && value.trim() !== "") {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : null;
  }
  return null;
}

function record(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** One window from raw numbers; null for the "no data" shape (0 %, length 0, no reset) or an unknown length. */
function toWindow(
  windowMinutes: number | null,
  usedPercent: number | null,
  resetAtSec: number | null,
  resetAfterSec: number | null,
  nowMs: number,
): QuotaWindow | null {
  if (windowMinutes === null || windowMinutes <= 0) return null;
  // The absolute reset is preferred: the relative one drifts with the time the answer spent in transit.
  const resetsAt = resetAtSec !== null && resetAtSec > 0 ? resetAtSec * 1000 : resetAfterSec !== null ? nowMs + resetAfterSec * 1000 : null;
  return { windowMinutes, usedPercent: Math.max(0, usedPercent ?? 0), resetsAt };
}

function quotaOf(planType: string | null, candidates: Array<QuotaWindow | null>, nowMs: number): QuotaWindows {
  const byLength = new Map<number, QuotaWindow>();
  for (const window of candidates) {
    if (!window) continue;
    const known = byLength.get(window.windowMinutes);
    if (!known || window.usedPercent > known.usedPercent) byLength.set(window.windowMinutes, window);
  }
  const windows = [...byLength.values()].sort((a, b) => a.windowMinutes - b.windowMinutes);
  return { planType, windows, limitReachedUntil: null, observedAt: nowMs };
}

/** The `x-codex-primary-*` / `x-codex-secondary-*` headers; null when the answer carried none. */
export function parseQuotaHeaders(headers: Headers, nowMs: number): QuotaWindows | null {
  const families = ["primary", "secondary", "tertiary"].map((name) => {
    const read = (suffix: string) => finiteNumber(headers.get(`x-codex-${name}-${suffix}`));
    return toWindow(read("window-minutes"), read("used-percent"), read("reset-at"), read("reset-after-seconds"), nowMs);
  });
  const planType = headers.get("x-codex-plan-type") || null;
  if (families.every((window) => window === null) && planType === null) return null;
  return quotaOf(planType, families, nowMs);
}

/** The 429 body `{"error":{"type":"usage_limit_reached","resets_at","resets_in_seconds","plan_type"}}`. */
export function parseUsageLimit(body: unknown, nowMs: number): UsageLimit | null {
  const error = record(record(body)?.error);
  if (!error || error.type !== "usage_limit_reached") return null;
  const resetsAtSec = finiteNumber(error.resets_at);
  const resetsIn = finiteNumber(error.resets_in_seconds);
  const resetsAt = resetsAtSec !== null && resetsAtSec > 0 ? resetsAtSec * 1000 : nowMs + Math.max(0, resetsIn ?? 0) * 1000;
  const planType = typeof error.plan_type === "string" ? error.plan_type : null;
  return { planType, resetsAt, resetsInSec: Math.max(0, resetsIn ?? Math.ceil((resetsAt - nowMs) / 1000)) };
}

/** The quota with a usage-limit refusal recorded on it (a 429 may come without quota headers). */
export function withUsageLimit(quota: QuotaWindows | null, limit: UsageLimit, nowMs: number): QuotaWindows {
  const base = quota ?? quotaOf(limit.planType, [], nowMs);
  return { ...base, planType: base.planType ?? limit.planType, limitReachedUntil: limit.resetsAt };
}

/** The body of `GET /backend-api/wham/usage` (§5.3); null when it holds no rate-limit data. */
export function parseWhamUsage(body: unknown, nowMs: number): QuotaWindows | null {
  const root = record(body);
  const rateLimit = record(root?.rate_limit);
  if (!root || !rateLimit) return null;
  const windows = ["primary_window", "secondary_window", "tertiary_window"].map((key) => {
    const raw = record(rateLimit[key]);
    if (!raw) return null;
    const seconds = finiteNumber(raw.limit_window_seconds);
    return toWindow(
      seconds === null ? null : seconds / 60,
      finiteNumber(raw.used_percent),
      finiteNumber(raw.reset_at),
      finiteNumber(raw.reset_after_seconds),
      nowMs,
    );
  });
  const quota = quotaOf(typeof root.plan_type === "string" ? root.plan_type : null, windows, nowMs);
  if (rateLimit.limit_reached === true || rateLimit.allowed === false) {
    // The spent window is the one to wait for; when none reads 100 % the latest reset is the safe bound.
    const spent = quota.windows.filter((window) => window.usedPercent >= 100);
    const resets = (spent.length > 0 ? spent : quota.windows).map((window) => window.resetsAt ?? 0);
    const until = Math.max(0, ...resets);
    if (until > nowMs) quota.limitReachedUntil = until;
  }
  return quota;
}

/** When a window starts afresh: its announced reset, else (unknown) a whole window length after the observation. */
function resetOf(window: QuotaWindow, observedAt: number): number {
  return window.resetsAt ?? observedAt + window.windowMinutes * 60_000;
}

/** Which window limits the account at `nowMs`; windows whose reset has passed count as empty. */
export function bindingWindow(quota: QuotaWindows | null, nowMs: number): BindingWindow {
  if (!quota) return { window: null, headroom: 100, restingUntil: null };
  const current = quota.windows.filter((window) => resetOf(window, quota.observedAt) > nowMs);
  let binding: QuotaWindow | null = null;
  for (const window of current) {
    if (!binding || window.usedPercent > binding.usedPercent) binding = window;
    else if (window.usedPercent === binding.usedPercent && window.windowMinutes > binding.windowMinutes) binding = window;
  }
  const rests = current.filter((window) => window.usedPercent >= 100).map((window) => resetOf(window, quota.observedAt));
  if (quota.limitReachedUntil !== null && quota.limitReachedUntil > nowMs) rests.push(quota.limitReachedUntil);
  const restingUntil = rests.length > 0 ? Math.max(...rests) : null;
  const headroom = restingUntil !== null ? 0 : binding ? Math.min(100, Math.max(0, 100 - binding.usedPercent)) : 100;
  return { window: binding, headroom, restingUntil };
}
