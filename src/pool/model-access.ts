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

/** Preference order of tiers for a model: free models go to free accounts first, paid accounts last. */
export function tierPreference(slug: string): readonly PlanTier[] {
  return isFreeModel(slug) ? ["free", "unknown", "paid"] : ["paid", "unknown"];
}
