/**
 * @module The 2026 model slugs (web-2026.md §9): which plan may ask for which, their titles, which ones think, and
 * the slug that actually serves a write (`server_ste_metadata.model_slug`), downgrades included.
 */
import type { Caller } from "../accounts.ts";
import type { Plan } from "../types.ts";

const FREE = ["auto", "gpt-5-6", "gpt-5-6-t-mini", "gpt-5-5-mini", "gpt-5-3", "gpt-5-3-mini"];
const PAID = ["gpt-5-6-thinking", "gpt-5-5", "gpt-5-5-instant", "gpt-5-5-thinking", "gpt-5-4-thinking", "gpt-5-4-t-mini", "gpt-5-3-instant", "gpt-5-2", "gpt-5-2-thinking", "gpt-5-1", "gpt-5", "o3"];
const PRO = ["gpt-5-6-pro", "gpt-5-5-pro", "gpt-5-4-pro"];
const ANON = ["auto", "gpt-5-6"];

/** Slugs whose answers reason first (`thoughts`, `reasoning_recap`, then the `final` channel). */
export const THINKING_MODELS_2026 = new Set(["gpt-5-6-thinking", "gpt-5-6-t-mini", "gpt-5-6-pro", "gpt-5-5-thinking", "gpt-5-5-pro", "gpt-5-4-thinking", "gpt-5-4-t-mini", "gpt-5-4-pro", "gpt-5-2-thinking", "o3"]);

/** What `client_prepare_state`-less writes get in mini-pool mode, and the usual downgrade target. */
export const MINI_POOL_SLUG = "gpt-5-5-mini";
/** The slug `server_ste_metadata` reports for image turns (web-2026.md §9.1). */
export const IMAGE_TURN_SLUG = "i-mini-m";

export function models2026ForPlan(plan: Plan | "anon"): string[] {
  if (plan === "anon") return [...ANON];
  if (plan === "free") return [...FREE];
  return plan === "pro" ? [...FREE, ...PAID, ...PRO] : [...FREE, ...PAID];
}

/**
 * The caller with its plan's 2026 models (an account created with explicit models keeps them); `retiredSlugs` keeps
 * the older slugs it had as well.
 */
export function callerFor2026(caller: Caller, retiredSlugs = false): Caller {
  if (caller.kind === "account" && caller.explicitModels) return caller;
  const models = models2026ForPlan(caller.kind === "account" ? caller.plan : "anon");
  return { ...caller, models: retiredSlugs ? [...new Set([...models, ...caller.models])] : models };
}

const SUFFIX_TITLES: Record<string, string> = { thinking: "Thinking", "t-mini": "Thinking mini", pro: "Pro", instant: "Instant", mini: "mini" };

/** `gpt-5-6-thinking` → `GPT-5.6 Thinking`. */
export function title2026(slug: string): string {
  if (slug === "auto") return "Auto";
  const match = /^gpt-(\d+)(?:-(\d+))?(?:-(.+))?$/.exec(slug);
  if (!match) return slug;
  const [, major, minor, suffix] = match;
  const version = minor === undefined ? `GPT-${major}` : `GPT-${major}.${minor}`;
  return suffix === undefined ? version : `${version} ${SUFFIX_TITLES[suffix] ?? suffix}`;
}

export interface ServedModelInput {
  requested: string;
  systemHints: string[];
  /** The write's `client_prepare_state`, when it sent one. */
  prepareState: string | undefined;
  miniPool: boolean;
  downgradeTo: string | null;
}

/**
 * The slug that answers: `auto` routes to `gpt-5-6` (or `gpt-5-6-t-mini` with the `reason` hint), the retired
 * `gpt-5-3` to `gpt-5-6`; a downgrade or the mini pool replaces it silently.
 */
export function servedSlug(input: ServedModelInput): string {
  if (input.downgradeTo !== null) return input.downgradeTo;
  if (input.miniPool && input.prepareState === undefined) return MINI_POOL_SLUG;
  if (input.requested === "auto") return input.systemHints.includes("reason") ? "gpt-5-6-t-mini" : "gpt-5-6";
  if (input.requested === "gpt-5-3") return "gpt-5-6";
  return input.requested;
}
