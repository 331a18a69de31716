/**
 * @module The Codex model catalog, `GET /backend-api/codex/models?client_version=…` (§6.1): the fields the engine
 * uses (slug, efforts, modalities, version gate…) read from each entry, and the version gate applied.
 */
import { compareVersions, parseVersion } from "./client-version.ts";

export interface CodexModel {
  slug: string;
  displayName: string;
  /** `visibility: "list"`: shown to users; hidden models still answer. */
  listed: boolean;
  /** Catalog order, lowest first. */
  priority: number;
  /** Normalised `"x.y.z"`; null when the entry sets none. */
  minimalClientVersion: string | null;
  /** `supported_reasoning_levels[].effort`, in catalog order. */
  efforts: string[];
  defaultEffort: string | null;
  /** `["text", "image"]` unless the entry says otherwise (Spark is text only). */
  inputModalities: string[];
  supportsReasoningSummaries: boolean;
  /** False for models that refuse `reasoning.summary` (gpt-5.3-codex-spark). */
  acceptsReasoningSummary: boolean;
  supportsParallelToolCalls: boolean;
  supportsVerbosity: boolean;
  /** `service_tiers[].id` (`priority`). */
  serviceTiers: string[];
  contextWindow: number | null;
  availableInPlans: string[];
}

function record(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function strings(value: unknown, pick: (item: unknown) => unknown = (item) => item): string[] {
  if (!Array.isArray(value)) return [];
  return value.map(pick).filter((item): item is string => typeof item === "string" && item !== "");
}

function versionText(value: unknown): string | null {
  const version = parseVersion(value);
  return version ? version.join(".") : null;
}

function parseModel(raw: unknown): CodexModel | null {
  const entry = record(raw);
  if (!entry || typeof entry.slug !== "string" || entry.slug === "") return null;
  const bool = (key: string, fallback: boolean) => (typeof entry[key] === "boolean" ? (entry[key] as boolean) : fallback);
  const modalities = strings(entry.input_modalities);
  return {
    slug: entry.slug,
    displayName: typeof entry.display_name === "string" ? entry.display_name : entry.slug,
    listed: entry.visibility === undefined || entry.visibility === "list",
    priority: typeof entry.priority === "number" ? entry.priority : Number.MAX_SAFE_INTEGER,
    minimalClientVersion: versionText(entry.minimal_client_version),
    efforts: strings(entry.supported_reasoning_levels, (level) => record(level)?.effort ?? level),
    defaultEffort: typeof entry.default_reasoning_level === "string" ? entry.default_reasoning_level : null,
    inputModalities: modalities.length > 0 ? modalities : ["text", "image"],
    supportsReasoningSummaries: bool("supports_reasoning_summaries", true),
    acceptsReasoningSummary: bool("supports_reasoning_summary_parameter", true),
    supportsParallelToolCalls: bool("supports_parallel_tool_calls", true),
    supportsVerbosity: bool("support_verbosity", false),
    serviceTiers: strings(entry.service_tiers, (tier) => record(tier)?.id ?? tier),
    contextWindow: typeof entry.context_window === "number" ? entry.context_window : null,
    availableInPlans: strings(entry.available_in_plans),
  };
}

/** The `{"models": […]}` body; entries without a slug are skipped, the rest sorted by priority. */
export function parseCodexModels(body: unknown): CodexModel[] {
  const list = record(body)?.models;
  if (!Array.isArray(list)) return [];
  return list
    .map(parseModel)
    .filter((model): model is CodexModel => model !== null)
    .sort((a, b) => a.priority - b.priority);
}

/** Whether a client claiming `clientVersion` may use the model (the server answers 400 "requires a newer version" otherwise). */
export function isModelAvailableTo(model: CodexModel, clientVersion: string): boolean {
  if (model.minimalClientVersion === null) return true;
  const client = parseVersion(clientVersion);
  const minimal = parseVersion(model.minimalClientVersion);
  if (!client || !minimal) return true;
  return compareVersions(client, minimal) >= 0;
}

/** The models a client of `clientVersion` may use (the server filters too, but a cached or foreign catalog may not be). */
export function modelsForClientVersion(models: readonly CodexModel[], clientVersion: string): CodexModel[] {
  return models.filter((model) => isModelAvailableTo(model, clientVersion));
}
