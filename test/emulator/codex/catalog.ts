/**
 * @module The Codex model catalog (codex.md §6): which slugs each plan has, their efforts, modalities and minimal
 * client versions, the `/codex/models` entries and their ETag.
 */
import { createHash } from "node:crypto";
import type { CodexPlan } from "./types.ts";

export interface CatalogModel {
  slug: string;
  displayName: string;
  priority: number;
  visibility: "list" | "hide";
  minimalClientVersion: string;
  plans: readonly CodexPlan[];
  efforts: readonly string[];
  defaultEffort: string;
  /** Whether `reasoning.summary` may be sent (false for Spark). */
  summaryParameter: boolean;
  verbosity: boolean;
  images: boolean;
  priorityTier: boolean;
  contextWindow: number;
  responsesLite: boolean;
}

const ALL: readonly CodexPlan[] = ["free", "go", "plus", "pro", "prolite", "team", "business", "enterprise", "edu"];
const PAID: readonly CodexPlan[] = ["go", "plus", "pro", "prolite", "team", "business", "enterprise", "edu"];
const UP_TO_XHIGH = ["low", "medium", "high", "xhigh"];
const UP_TO_ULTRA = ["low", "medium", "high", "xhigh", "max", "ultra"];

const BASE = { summaryParameter: true, verbosity: true, images: true, priorityTier: true, contextWindow: 272_000, responsesLite: false, visibility: "list" } as const;

export const CATALOG: readonly CatalogModel[] = [
  { ...BASE, slug: "gpt-6-astra", displayName: "GPT-6 Astra", priority: 1, minimalClientVersion: "0.153.0", plans: ["plus", "pro", "team", "business", "enterprise"], efforts: UP_TO_ULTRA, defaultEffort: "medium" },
  { ...BASE, slug: "gpt-5.6-sol", displayName: "GPT-5.6 Sol", priority: 2, minimalClientVersion: "0.144.0", plans: PAID, efforts: UP_TO_ULTRA, defaultEffort: "low", responsesLite: true },
  { ...BASE, slug: "gpt-5.6-terra", displayName: "GPT-5.6 Terra", priority: 3, minimalClientVersion: "0.144.0", plans: ALL, efforts: UP_TO_ULTRA, defaultEffort: "medium", responsesLite: true },
  { ...BASE, slug: "gpt-5.6-luna", displayName: "GPT-5.6 Luna", priority: 4, minimalClientVersion: "0.144.0", plans: ALL, efforts: ["low", "medium", "high", "xhigh", "max"], defaultEffort: "medium", responsesLite: true },
  { ...BASE, slug: "gpt-5.5", displayName: "GPT-5.5", priority: 5, minimalClientVersion: "0.124.0", plans: ALL, efforts: UP_TO_XHIGH, defaultEffort: "medium" },
  { ...BASE, slug: "gpt-5.4", displayName: "GPT-5.4", priority: 6, minimalClientVersion: "0.98.0", plans: PAID, efforts: UP_TO_XHIGH, defaultEffort: "medium" },
  { ...BASE, slug: "gpt-5.4-mini", displayName: "GPT-5.4 Mini", priority: 7, minimalClientVersion: "0.98.0", plans: ALL, efforts: UP_TO_XHIGH, defaultEffort: "medium", priorityTier: false },
  {
    ...BASE,
    slug: "gpt-5.3-codex-spark",
    displayName: "GPT-5.3 Codex Spark",
    priority: 8,
    minimalClientVersion: "0.98.0",
    plans: ["plus", "pro"],
    efforts: UP_TO_XHIGH,
    defaultEffort: "high",
    summaryParameter: false,
    verbosity: false,
    images: false,
    priorityTier: false,
    contextWindow: 128_000,
  },
  { ...BASE, slug: "codex-auto-review", displayName: "Codex Auto Review", priority: 99, visibility: "hide", minimalClientVersion: "0.98.0", plans: PAID, efforts: ["low", "medium", "high", "xhigh", "max"], defaultEffort: "medium" },
];

/** Compares dotted versions numerically; a missing part counts as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map((n) => Number.parseInt(n, 10) || 0);
  const pb = b.split(".").map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}

export function findModel(slug: string): CatalogModel | undefined {
  return CATALOG.find((m) => m.slug === slug);
}

/**
 * The plan's models a client of this version sees. No version, or "0.0.0" (codex.md §6.1: it reportedly returns the
 * ungated catalog), hides nothing.
 */
export function visibleModels(plan: CodexPlan, clientVersion: string | undefined): CatalogModel[] {
  const ungated = clientVersion === undefined || clientVersion === "0.0.0";
  return CATALOG.filter((m) => m.plans.includes(plan) && (ungated || compareVersions(clientVersion, m.minimalClientVersion) >= 0));
}

function effortDescription(effort: string): string {
  return `${effort[0]?.toUpperCase() ?? ""}${effort.slice(1)} reasoning`;
}

/** One entry of `GET /codex/models`, in the live payload's field names (codex.md §6.1). */
export function modelInfo(model: CatalogModel): Record<string, unknown> {
  return {
    slug: model.slug,
    display_name: model.displayName,
    description: `${model.displayName} (emulated)`,
    priority: model.priority,
    visibility: model.visibility,
    supported_in_api: model.summaryParameter,
    minimal_client_version: model.minimalClientVersion,
    available_in_plans: [...model.plans],
    default_reasoning_level: model.defaultEffort,
    supported_reasoning_levels: model.efforts.map((effort) => ({ effort, description: effortDescription(effort) })),
    default_reasoning_summary: model.summaryParameter ? "auto" : "none",
    supports_reasoning_summaries: model.summaryParameter,
    supports_reasoning_summary_parameter: model.summaryParameter,
    support_verbosity: model.verbosity,
    default_verbosity: model.verbosity ? "low" : null,
    context_window: model.contextWindow,
    max_context_window: model.contextWindow,
    auto_compact_token_limit: Math.floor(model.contextWindow * 0.9),
    truncation_policy: { mode: "tokens", limit: 10_000 },
    input_modalities: model.images ? ["text", "image"] : ["text"],
    supports_parallel_tool_calls: true,
    apply_patch_tool_type: "freeform",
    shell_type: "shell_command",
    use_responses_lite: model.responsesLite,
    prefer_websockets: false,
    service_tiers: model.priorityTier ? [{ id: "priority", name: "Fast", description: "Faster responses, more usage" }] : [],
    base_instructions: "You are Codex, a coding agent (emulated base instructions).",
  };
}

/** A weak ETag over the exact list, so it changes whenever the visible catalog does. */
export function catalogEtag(models: readonly CatalogModel[]): string {
  return `W/"${createHash("sha256").update(models.map((m) => `${m.slug}@${m.minimalClientVersion}`).join(",")).digest("hex").slice(0, 16)}"`;
}
