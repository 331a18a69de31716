/**
 * @module Which accounts may serve which upstream model: a free account offers only the free models, and a free
 * model should be served by a free account first so paid caps are kept for what only they can serve.
 */

export type PlanTier = "free" | "paid" | "unknown";

/** Upstream slugs a free ChatGPT account can use (some with a cap). Everything else needs a paid plan. */
const FREE_MODELS: ReadonlySet<string> = new Set(["auto", "text-davinci-002-render-sha", "gpt-4o-mini", "gpt-5-mini"]);

export function isFreeModel(slug: string): boolean {
  return FREE_MODELS.has(slug);
}

export function planTier(plan: string | null): PlanTier {
  if (plan === null || plan === "") return "unknown";
  return plan === "free" ? "free" : "paid";
}

/** An account of unknown plan is trusted to offer everything: the upstream's answer settles it. */
export function offersModel(plan: string | null, slug: string): boolean {
  return planTier(plan) !== "free" || isFreeModel(slug);
}

/**
 * Groups of tiers in order of preference: a free model goes to free accounts first and paid ones last; a paid
 * model spreads over paid and unknown alike (an unknown plan learns its plan at its first refresh or use).
 */
export function tierPreference(slug: string): ReadonlyArray<readonly PlanTier[]> {
  return isFreeModel(slug) ? [["free"], ["unknown"], ["paid"]] : [["paid", "unknown"]];
}
