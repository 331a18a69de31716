/** @module Which model slugs each plan may use, and their titles for GET /models. */
import type { Plan } from "./types.ts";

const FREE_MODELS = ["auto", "gpt-4o-mini", "text-davinci-002-render-sha", "gpt-5-mini"];
const PAID_EXTRA = ["gpt-4o", "gpt-4-1", "gpt-4-5", "gpt-5", "gpt-5-thinking", "o1", "o3", "o3-mini", "o4-mini", "gpt-4"];

/** Slugs whose answers carry reasoning by default, like the real thinking models. */
export const REASONING_MODELS = new Set(["o1", "o3", "o3-mini", "o4-mini", "gpt-5-thinking"]);

export function modelsForPlan(plan: Plan | "anon"): string[] {
  return plan === "free" || plan === "anon" ? [...FREE_MODELS] : [...FREE_MODELS, ...PAID_EXTRA];
}

export function modelTitle(slug: string): string {
  if (slug === "text-davinci-002-render-sha") return "Default (GPT-3.5)";
  if (slug === "auto") return "Auto";
  return slug.replace(/^gpt/, "GPT").replace(/^o(\d)/, "o$1");
}

export function personaFor(plan: Plan | "anon"): string {
  if (plan === "anon") return "chatgpt-noauth";
  return plan === "free" ? "chatgpt-freeaccount" : "chatgpt-paid";
}
