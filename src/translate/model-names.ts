/**
 * @module The one model table: OpenAI-style names ↔ ChatGPT upstream slugs, tokenizer encodings, /v1/models, the
 * plan each model needs and the thinking efforts it offers. The 2026 web slugs (GPT-5.6, web-2026.md §9.1) are
 * listed under their web names: the dotted names (`gpt-5.5`, `gpt-5.6-sol`) belong to the Codex engine.
 */
import { THINKING_EFFORTS, type ThinkingEffort } from "./thinking-effort.ts";
import { UnknownModelError } from "./translate-errors.ts";

export type TokenizerEncoding = "o200k_base" | "cl100k_base";

export interface ResolvedModel {
  /** The name the client sent, echoed back in responses. */
  requested: string;
  /** The `model` sent in the upstream conversation body. */
  upstreamSlug: string;
  /** `g-…` when the name addresses a GPT or a project: the body then uses `gizmo_interaction`. */
  gizmoId: string | null;
  /** 4o image generation: the body and last message carry the `picture_v2` hint. */
  imageGeneration: boolean;
  /** The model thinks before answering: tool-authored text is its reasoning, not its answer. */
  reasoning: boolean;
}

export interface ModelInfo {
  id: string;
  object: "model";
  /** Unix seconds. */
  created: number;
  owned_by: string;
}

export interface ResolveModelOptions {
  /** Slugs the account's upstream model list offers: such a name passes through unchanged. */
  accountSlugs?: readonly string[];
}

interface ModelRow {
  id: string;
  slug: string;
  reasoning: boolean;
  encoding: TokenizerEncoding;
  /** Release date as Unix seconds, what /v1/models reports as `created`. */
  created: number;
  /** `gpt-3.5-turbo` also answers for `gpt-3.5-turbo-16k`, `gpt-3.5-turbo-instruct`, … */
  prefix?: boolean;
  /** The `thinking_effort` values the web app offers for it (web-2026.md §5.4); none when absent. */
  efforts?: readonly ThinkingEffort[];
}

const O200K = "o200k_base";
/** 2026-07-09, when the GPT-5.6 family came out. */
const GPT_5_6_RELEASE = 1_783_555_200;
const CL100K = "cl100k_base";

const MODELS: readonly ModelRow[] = [
  { id: "gpt-3.5-turbo", slug: "text-davinci-002-render-sha", reasoning: false, encoding: CL100K, created: 1677610602, prefix: true },
  { id: "gpt-4", slug: "gpt-4", reasoning: false, encoding: CL100K, created: 1687882411 },
  { id: "gpt-4-mobile", slug: "gpt-4-mobile", reasoning: false, encoding: CL100K, created: 1687882411 },
  { id: "gpt-4o", slug: "gpt-4o", reasoning: false, encoding: O200K, created: 1715367049 },
  { id: "gpt-4o-mini", slug: "gpt-4o-mini", reasoning: false, encoding: O200K, created: 1721172741 },
  { id: "gpt-4o-canmore", slug: "gpt-4o-canmore", reasoning: false, encoding: O200K, created: 1727740800 },
  { id: "gpt-4.1", slug: "gpt-4-1", reasoning: false, encoding: O200K, created: 1744316542 },
  { id: "gpt-4.5", slug: "gpt-4-5", reasoning: false, encoding: O200K, created: 1740623059 },
  { id: "o1", slug: "o1", reasoning: true, encoding: O200K, created: 1734375816 },
  { id: "o1-mini", slug: "o1-mini", reasoning: true, encoding: O200K, created: 1725649008 },
  { id: "o1-pro", slug: "o1-pro", reasoning: true, encoding: O200K, created: 1742251791 },
  { id: "o3", slug: "o3", reasoning: true, encoding: O200K, created: 1744225308 },
  { id: "o3-mini", slug: "o3-mini", reasoning: true, encoding: O200K, created: 1737146383 },
  { id: "o3-mini-high", slug: "o3-mini-high", reasoning: true, encoding: O200K, created: 1737146383 },
  { id: "o4-mini", slug: "o4-mini", reasoning: true, encoding: O200K, created: 1744225351 },
  { id: "o4-mini-high", slug: "o4-mini-high", reasoning: true, encoding: O200K, created: 1744225351 },
  { id: "gpt-5", slug: "gpt-5", reasoning: false, encoding: O200K, created: 1754425777 },
  { id: "gpt-5-mini", slug: "gpt-5-mini", reasoning: false, encoding: O200K, created: 1754425867 },
  { id: "gpt-5-thinking", slug: "gpt-5-thinking", reasoning: true, encoding: O200K, created: 1754425777, efforts: ["standard", "extended"] },
  { id: "auto", slug: "auto", reasoning: false, encoding: O200K, created: 1715367049 },
  // GPT-5.6, 2026-07-09 (web-2026.md §9.1): Luna is the free default, Sol Thinking takes all three efforts [V KY]
  { id: "gpt-5-6", slug: "gpt-5-6", reasoning: false, encoding: O200K, created: GPT_5_6_RELEASE },
  { id: "gpt-5-6-thinking", slug: "gpt-5-6-thinking", reasoning: true, encoding: O200K, created: GPT_5_6_RELEASE, efforts: THINKING_EFFORTS },
  { id: "gpt-5-6-t-mini", slug: "gpt-5-6-t-mini", reasoning: true, encoding: O200K, created: GPT_5_6_RELEASE, efforts: ["standard"] },
  { id: "gpt-5-6-pro", slug: "gpt-5-6-pro", reasoning: true, encoding: O200K, created: GPT_5_6_RELEASE, efforts: ["standard", "extended"] },
];

/** The name we list for 4o image generation; any name containing `image` works (see `resolveModel`). */
const IMAGE_MODEL_ID = "gpt-4o-image";
/** GPTs run on whatever the upstream picks for them; `gpt-4o` is what the web app sends. */
const GIZMO_SLUG = "gpt-4o";
/** The slug an image model name without a known base asks for (2024); 2026 bodies send `auto` instead. */
export const IMAGE_FALLBACK_SLUG = "gpt-4o";
const OWNED_BY = "openai";

/** `-2024-08-06` (OpenAI's dated snapshots) or `-0613` (the older style). */
const DATE_SUFFIX = /-(\d{4}-\d{2}-\d{2}|\d{4})$/;

function findRow(name: string): ModelRow | undefined {
  const undated = name.replace(DATE_SUFFIX, "");
  return (
    MODELS.find((row) => row.id === name || row.id === undated) ??
    MODELS.find((row) => row.prefix === true && name.startsWith(row.id))
  );
}

/** chat2api took anything containing `g-` for a GPT (`gpt-4o-mini-high-g-…`, `big-model`); we only take real ids. */
function gizmoIdOf(name: string): string | null {
  const marker = name.indexOf("gizmo-g-");
  if (marker >= 0) return name.slice(marker + "gizmo-".length);
  return name.startsWith("g-") ? name : null;
}

/** `o3`, `gpt-5-5-thinking`, and the 2026 thinking minis and Pro models (`gpt-5-4-t-mini`, `gpt-5-5-pro`). */
function looksLikeReasoningSlug(slug: string): boolean {
  return /^o\d/.test(slug) || slug.includes("thinking") || /-t-mini$|-pro$/.test(slug);
}

/** Maps a requested model name to what the upstream needs; throws UnknownModelError for names we cannot serve. */
export function resolveModel(requested: string, options: ResolveModelOptions = {}): ResolvedModel {
  const name = requested.trim();
  const gizmoId = gizmoIdOf(name);
  if (gizmoId !== null && gizmoId.length > 2) {
    return { requested, upstreamSlug: GIZMO_SLUG, gizmoId, imageGeneration: false, reasoning: false };
  }
  const row = findRow(name);
  if (row) return { requested, upstreamSlug: row.slug, gizmoId: null, imageGeneration: false, reasoning: row.reasoning };
  if (name.includes("image")) {
    const base = name.split("-").filter((segment) => segment !== "image").join("-");
    const baseRow = findRow(base);
    return {
      requested,
      upstreamSlug: baseRow?.slug ?? IMAGE_FALLBACK_SLUG,
      gizmoId: null,
      imageGeneration: true,
      reasoning: baseRow?.reasoning ?? false,
    };
  }
  if (options.accountSlugs?.includes(name)) {
    return { requested, upstreamSlug: name, gizmoId: null, imageGeneration: false, reasoning: looksLikeReasoningSlug(name) };
  }
  throw new UnknownModelError(requested);
}

/** The models /v1/models offers, each accepted verbatim by `resolveModel`. */
export function listModels(): ModelInfo[] {
  const image = MODELS.find((row) => row.id === "gpt-4o");
  const rows = image ? [...MODELS, { ...image, id: IMAGE_MODEL_ID }] : MODELS;
  return rows.map((row) => ({ id: row.id, object: "model", created: row.created, owned_by: OWNED_BY }));
}

/**
 * The tokenizer a model's text is counted with. Accepts a requested name or an upstream slug; unknown names
 * (GPTs, pass-through slugs) count as o200k, the encoding of every model the web app still serves.
 */
export function tokenizerEncoding(model: string): TokenizerEncoding {
  const row = findRow(model) ?? MODELS.find((candidate) => candidate.slug === model);
  return row?.encoding ?? O200K;
}

/** Slugs only paid accounts may use: a free or no-login persona is told 404 before a conversation is spent (§10.1). */
const PAID_ONLY_SLUGS: ReadonlySet<string> = new Set(["gpt-4", "o1-preview", "o1-pro", "gpt-4-5", "gpt-5-6-thinking", "gpt-5-6-pro", "gpt-5-5-pro", "gpt-5-4-pro"]);

export function requiresPaidPlan(upstreamSlug: string): boolean {
  return PAID_ONLY_SLUGS.has(upstreamSlug);
}

/** Slugs of the Pro models, which Plus (and Go) accounts do not have. */
const PRO_SLUGS: ReadonlySet<string> = new Set(["o1-pro", "gpt-5-6-pro", "gpt-5-5-pro", "gpt-5-4-pro"]);

export function requiresProPlan(upstreamSlug: string): boolean {
  return PRO_SLUGS.has(upstreamSlug);
}

/**
 * Upstream slugs a free ChatGPT account can use (some with a cap); the pool sends these to free accounts first. In
 * 2026 that is `auto`, GPT-5.6 Luna and its thinking mini, and the older slugs the server resolves to them.
 */
const FREE_SLUGS: ReadonlySet<string> = new Set([
  "auto",
  "text-davinci-002-render-sha",
  "gpt-4o-mini",
  "gpt-5-mini",
  "gpt-5-6",
  "gpt-5-6-t-mini",
  "gpt-5-5-mini",
  "gpt-5-3",
  "gpt-5-3-mini",
]);

export function isFreeSlug(upstreamSlug: string): boolean {
  return FREE_SLUGS.has(upstreamSlug);
}

/**
 * The thinking efforts a slug offers: the table's, else standard and extended for a reasoning slug the table does
 * not know (a pass-through `gpt-5-5-thinking`), else none.
 */
export function thinkingEffortsOf(upstreamSlug: string): readonly ThinkingEffort[] {
  const row = MODELS.find((candidate) => candidate.slug === upstreamSlug);
  if (row) return row.efforts ?? [];
  return looksLikeReasoningSlug(upstreamSlug) && !/^o\d/.test(upstreamSlug) ? ["standard", "extended"] : [];
}
