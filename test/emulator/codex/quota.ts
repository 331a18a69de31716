/**
 * @module Per-account quota windows (codex.md §5): each request uses one unit of every window; a window at its limit
 * answers 429 `usage_limit_reached` until its reset. Rendered as `x-codex-*` headers and `/wham/usage` bodies.
 */
import { HttpError, json } from "../http.ts";
import type { CodexPlan, CodexWindowState } from "./types.ts";

const FIVE_HOURS = 300;
const WEEK = 10_080;
const DEFAULT_LIMIT = 100;

interface Window {
  minutes: number;
  limit: number;
  used: number;
  /** Epoch ms the current window started. */
  startedAt: number;
}

interface Ledger {
  plan: CodexPlan;
  windows: Window[];
}

export function defaultWindows(plan: CodexPlan): number[] {
  return plan === "free" || plan === "prolite" ? [WEEK] : [FIVE_HOURS, WEEK];
}

/** Python's `str(float)` look, which the real headers have ("12.0", "100.0"). */
function floatString(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return Number.isInteger(rounded) ? rounded.toFixed(1) : String(rounded);
}

export class QuotaBook {
  private readonly ledgers = new Map<string, Ledger>();

  constructor(private readonly now: () => number) {}

  open(accountId: string, plan: CodexPlan, windows: number[] = defaultWindows(plan), limit = DEFAULT_LIMIT): void {
    if (windows.length === 0 || windows.some((m) => !Number.isInteger(m) || m <= 0)) throw new TypeError("windows must be positive whole minutes");
    if (!Number.isInteger(limit) || limit < 1) throw new TypeError("limit must be a positive whole number");
    this.ledgers.set(accountId, { plan, windows: windows.map((minutes) => ({ minutes, limit, used: 0, startedAt: this.now() })) });
  }

  private ledger(accountId: string): Ledger {
    const ledger = this.ledgers.get(accountId);
    if (!ledger) throw new Error(`no quota for codex account ${accountId}`);
    for (const window of ledger.windows) {
      if (this.resetAtMs(window) <= this.now()) Object.assign(window, { used: 0, startedAt: this.now() });
    }
    return ledger;
  }

  private resetAtMs(window: Window): number {
    return window.startedAt + window.minutes * 60_000;
  }

  private find(accountId: string, minutes: number | undefined): Window {
    const { windows } = this.ledger(accountId);
    const window = minutes === undefined ? windows[0] : windows.find((w) => w.minutes === minutes);
    if (!window) throw new Error(`codex account ${accountId} has no ${minutes}-minute window`);
    return window;
  }

  set(accountId: string, quota: { windowMinutes?: number; limit?: number; used?: number }): void {
    const window = this.find(accountId, quota.windowMinutes);
    if (quota.limit !== undefined) window.limit = quota.limit;
    if (quota.used !== undefined) window.used = quota.used;
  }

  exhaust(accountId: string, windowMinutes?: number): void {
    const window = this.find(accountId, windowMinutes);
    window.used = window.limit;
  }

  states(accountId: string): CodexWindowState[] {
    return this.ledger(accountId).windows.map((w) => ({
      windowMinutes: w.minutes,
      limit: w.limit,
      used: w.used,
      usedPercent: Math.min(100, (w.used / w.limit) * 100),
      resetAt: Math.floor(this.resetAtMs(w) / 1000),
    }));
  }

  /** Throws the 429 when a window is used up (the latest of their resets is when all are free again). */
  check(accountId: string): void {
    const exhausted = this.states(accountId).filter((w) => w.used >= w.limit);
    if (exhausted.length === 0) return;
    const resetsAt = Math.max(...exhausted.map((w) => w.resetAt));
    throw new HttpError(
      json(
        429,
        {
          error: {
            type: "usage_limit_reached",
            message: "The usage limit has been reached",
            plan_type: this.ledger(accountId).plan,
            resets_at: resetsAt,
            eligible_promo: null,
            resets_in_seconds: Math.max(0, resetsAt - Math.floor(this.now() / 1000)),
          },
        },
        this.headers(accountId),
      ),
      "usage limit reached",
    );
  }

  consume(accountId: string): void {
    for (const window of this.ledger(accountId).windows) window.used++;
  }

  /** The `x-codex-*` family (§5.1); a single-window plan reports its weekly window as primary and an empty secondary. */
  headers(accountId: string): Record<string, string> {
    const { plan } = this.ledger(accountId);
    const [primary, secondary] = this.states(accountId);
    const nowSec = Math.floor(this.now() / 1000);
    const headers: Record<string, string> = { "x-codex-active-limit": "codex", "x-codex-plan-type": plan };
    for (const [name, window] of [["primary", primary], ["secondary", secondary]] as const) {
      headers[`x-codex-${name}-used-percent`] = floatString(window?.usedPercent ?? 0);
      headers[`x-codex-${name}-window-minutes`] = String(window?.windowMinutes ?? 0);
      if (window) {
        headers[`x-codex-${name}-reset-at`] = String(window.resetAt);
        headers[`x-codex-${name}-reset-after-seconds`] = String(Math.max(0, window.resetAt - nowSec));
      }
    }
    headers["x-codex-primary-over-secondary-limit-percent"] = "0";
    headers["x-codex-credits-has-credits"] = "False";
    headers["x-codex-credits-unlimited"] = "False";
    headers["x-codex-credits-balance"] = "0";
    return headers;
  }

  /** `GET /backend-api/wham/usage` (§5.3): windows as seconds, integer percentages, null when absent. */
  usageBody(accountId: string): Record<string, unknown> {
    const { plan } = this.ledger(accountId);
    const states = this.states(accountId);
    const nowSec = Math.floor(this.now() / 1000);
    const reached = states.some((w) => w.used >= w.limit);
    const render = (w: CodexWindowState | undefined): Record<string, number> | null =>
      w ? { used_percent: Math.round(w.usedPercent), limit_window_seconds: w.windowMinutes * 60, reset_after_seconds: Math.max(0, w.resetAt - nowSec), reset_at: w.resetAt } : null;
    return {
      plan_type: plan,
      rate_limit: {
        allowed: !reached,
        limit_reached: reached,
        primary_window: render(states[0]),
        secondary_window: render(states[1]),
        ...(states.length > 2 ? { tertiary_window: render(states[2]) } : {}),
      },
      code_review_rate_limit: null,
      additional_rate_limits: [],
      credits: { has_credits: false, unlimited: false, overage_limit_reached: false, balance: "0", approx_local_messages: [0, 0], approx_cloud_messages: [0, 0] },
      spend_control: { reached: false, individual_limit: null },
      rate_limit_reached_type: reached ? { type: "rate_limit_reached" } : null,
      rate_limit_reset_credits: { available_count: 0 },
      promo: null,
    };
  }
}
