/**
 * @module Which accounts may serve which upstream model: a free account offers only the free models, a Plus or Go
 * account no Pro model, and a free model should be served by a free account first so paid caps are kept for what
 * only they can serve.
 */
import { isFreeSlug, requiresProPlan } from "../translate/model-names.ts";

export type PlanTier = "free" | "paid" | "unknown";

export function planTier(plan: string | null): PlanTier {
  if (plan === null || plan === "") return "unknown";
  return plan === "free" ? "free" : "paid";
}

/** Paid plans known to lack the Pro models (web-2026.md §9.1); Team and the business plans are trusted to have them. */
const PLANS_WITHOUT_PRO: ReadonlySet<string> = new Set(["plus", "go"]);

/**
 * An account of unknown plan is trusted to offer everything; a free one only the free slugs of the model table, a
 * Plus or Go one everything but the Pro models.
 */
export function offersModel(plan: string | null, slug: string): boolean {
  const tier = planTier(plan);
  if (tier === "free") return isFreeSlug(slug);
  return !(requiresProPlan(slug) && plan !== null && PLANS_WITHOUT_PRO.has(plan));
}

/**
 * Groups of tiers in order of preference: a free model goes to free accounts first and paid ones last; a paid
 * model spreads over paid and unknown alike (an unknown plan learns its plan at its first refresh or use).
 */
export function tierPreference(slug: string): ReadonlyArray<readonly PlanTier[]> {
  return isFreeSlug(slug) ? [["free"], ["unknown"], ["paid"]] : [["paid", "unknown"]];
}
