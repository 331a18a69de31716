import { describe, expect, test } from "bun:test";
import { isCodexModel } from "../engines/codex/model-lineup.ts";
import { UnknownModelError } from "./translate-errors.ts";
import {
  isFreeSlug,
  listModels,
  requiresPaidPlan,
  requiresProPlan,
  resolveModel,
  thinkingEffortsOf,
  tokenizerEncoding,
  type ResolvedModel,
  type TokenizerEncoding,
} from "./model-names.ts";

function plain(requested: string, upstreamSlug: string, reasoning = false): ResolvedModel {
  return { requested, upstreamSlug, gizmoId: null, imageGeneration: false, reasoning };
}

describe("resolveModel", () => {
  test.each([
    ["gpt-3.5-turbo", plain("gpt-3.5-turbo", "text-davinci-002-render-sha")],
    ["gpt-3.5-turbo-16k", plain("gpt-3.5-turbo-16k", "text-davinci-002-render-sha")],
    ["gpt-3.5-turbo-0125", plain("gpt-3.5-turbo-0125", "text-davinci-002-render-sha")],
    ["gpt-4o", plain("gpt-4o", "gpt-4o")],
    ["gpt-4o-2024-08-06", plain("gpt-4o-2024-08-06", "gpt-4o")],
    ["gpt-4o-mini", plain("gpt-4o-mini", "gpt-4o-mini")],
    ["gpt-4o-mini-2024-07-18", plain("gpt-4o-mini-2024-07-18", "gpt-4o-mini")],
    ["gpt-4", plain("gpt-4", "gpt-4")],
    ["gpt-4-0613", plain("gpt-4-0613", "gpt-4")],
    ["gpt-4-mobile", plain("gpt-4-mobile", "gpt-4-mobile")],
    ["gpt-4o-canmore", plain("gpt-4o-canmore", "gpt-4o-canmore")],
    ["gpt-4.1", plain("gpt-4.1", "gpt-4-1")],
    ["gpt-4.5", plain("gpt-4.5", "gpt-4-5")],
    ["o1", plain("o1", "o1", true)],
    ["o1-mini", plain("o1-mini", "o1-mini", true)],
    ["o1-pro", plain("o1-pro", "o1-pro", true)],
    ["o3", plain("o3", "o3", true)],
    ["o3-mini", plain("o3-mini", "o3-mini", true)],
    ["o3-mini-2025-01-31", plain("o3-mini-2025-01-31", "o3-mini", true)],
    ["o3-mini-high", plain("o3-mini-high", "o3-mini-high", true)],
    ["o4-mini", plain("o4-mini", "o4-mini", true)],
    ["o4-mini-high", plain("o4-mini-high", "o4-mini-high", true)],
    ["gpt-5", plain("gpt-5", "gpt-5")],
    ["gpt-5-mini", plain("gpt-5-mini", "gpt-5-mini")],
    ["gpt-5-thinking", plain("gpt-5-thinking", "gpt-5-thinking", true)],
    ["auto", plain("auto", "auto")],
    ["gpt-5-6", plain("gpt-5-6", "gpt-5-6")],
    ["gpt-5-6-thinking", plain("gpt-5-6-thinking", "gpt-5-6-thinking", true)],
    ["gpt-5-6-t-mini", plain("gpt-5-6-t-mini", "gpt-5-6-t-mini", true)],
    ["gpt-5-6-pro", plain("gpt-5-6-pro", "gpt-5-6-pro", true)],
    ["gpt-4-gizmo-g-abc123", { ...plain("gpt-4-gizmo-g-abc123", "gpt-4o"), gizmoId: "g-abc123" }],
    ["gpt-4o-gizmo-g-p-proj9", { ...plain("gpt-4o-gizmo-g-p-proj9", "gpt-4o"), gizmoId: "g-p-proj9" }],
    ["g-abc123", { ...plain("g-abc123", "gpt-4o"), gizmoId: "g-abc123" }],
    ["g-p-proj9", { ...plain("g-p-proj9", "gpt-4o"), gizmoId: "g-p-proj9" }],
    ["gpt-4o-image", { ...plain("gpt-4o-image", "gpt-4o"), imageGeneration: true }],
    ["gpt-4o-mini-image", { ...plain("gpt-4o-mini-image", "gpt-4o-mini"), imageGeneration: true }],
    ["gpt-image-1", { ...plain("gpt-image-1", "gpt-4o"), imageGeneration: true }],
  ])("%s", (requested, expected) => {
    expect(resolveModel(requested)).toEqual(expected);
  });

  test.each(["big-model", "my-g-thing", "gpt-4o-mini-high-g-", "claude-3-opus", "gpt-4-gizmo-g-"])(
    "%s is unknown: 404 model_not_found (no chat2api-style gizmo guess)",
    (requested) => {
      expect(() => resolveModel(requested)).toThrow(UnknownModelError);
    },
  );

  test("a slug the account lists passes through unchanged", () => {
    expect(resolveModel("gpt-5-pro-preview", { accountSlugs: ["gpt-4o", "gpt-5-pro-preview"] })).toEqual(
      plain("gpt-5-pro-preview", "gpt-5-pro-preview"),
    );
    expect(resolveModel("o5-thinking", { accountSlugs: ["o5-thinking"] }).reasoning).toBe(true);
  });

  test("2026 slugs the table does not list pass through when the account lists them, thinking ones as reasoning", () => {
    const slugs = ["gpt-5-5-thinking", "gpt-5-4-t-mini", "gpt-5-5-pro", "gpt-5-5-mini"];
    expect(slugs.map((slug) => resolveModel(slug, { accountSlugs: slugs }).reasoning)).toEqual([true, true, true, false]);
  });

  test("a slug the account does not list is still unknown", () => {
    expect(() => resolveModel("gpt-5-pro-preview", { accountSlugs: ["gpt-4o"] })).toThrow(UnknownModelError);
  });
});

describe("listModels", () => {
  test("every listed id resolves, each once, with created in seconds and owned_by set", () => {
    const models = listModels();
    expect(new Set(models.map((model) => model.id)).size).toBe(models.length);
    for (const model of models) {
      expect(() => resolveModel(model.id)).not.toThrow();
      expect(model).toEqual({ id: model.id, object: "model", created: expect.any(Number), owned_by: "openai" });
      expect(String(model.created)).toHaveLength(10);
    }
    expect(models.map((model) => model.id)).toContain("gpt-4o-image");
  });
});

describe("tokenizerEncoding", () => {
  test.each<[string, TokenizerEncoding]>([
    ["gpt-3.5-turbo", "cl100k_base"],
    ["text-davinci-002-render-sha", "cl100k_base"],
    ["gpt-4", "cl100k_base"],
    ["gpt-4-0613", "cl100k_base"],
    ["gpt-4o", "o200k_base"],
    ["gpt-4-1", "o200k_base"],
    ["gpt-4.5", "o200k_base"],
    ["o3-mini", "o200k_base"],
    ["gpt-5", "o200k_base"],
    ["auto", "o200k_base"],
    ["gpt-4-gizmo-g-abc", "o200k_base"],
  ])("%s counts with %s", (model, encoding) => {
    expect(tokenizerEncoding(model)).toBe(encoding);
  });
});

describe("2026 models: plans and thinking efforts (web-2026.md §9.1, §5.4)", () => {
  test.each<[string, { free: boolean; paid: boolean; pro: boolean; efforts: string[] }]>([
    ["gpt-5-6", { free: true, paid: false, pro: false, efforts: [] }],
    ["auto", { free: true, paid: false, pro: false, efforts: [] }],
    ["gpt-5-6-t-mini", { free: true, paid: false, pro: false, efforts: ["standard"] }],
    ["gpt-5-6-thinking", { free: false, paid: true, pro: false, efforts: ["standard", "extended", "max"] }],
    ["gpt-5-6-pro", { free: false, paid: true, pro: true, efforts: ["standard", "extended"] }],
    ["gpt-5-thinking", { free: false, paid: false, pro: false, efforts: ["standard", "extended"] }],
    ["gpt-5-5-thinking", { free: false, paid: false, pro: false, efforts: ["standard", "extended"] }],
    ["o3", { free: false, paid: false, pro: false, efforts: [] }],
    ["gpt-4o", { free: false, paid: false, pro: false, efforts: [] }],
  ])("%s", (slug, expected) => {
    expect({ free: isFreeSlug(slug), paid: requiresPaidPlan(slug), pro: requiresProPlan(slug), efforts: [...thinkingEffortsOf(slug)] as string[] }).toEqual(expected);
  });

  test("/v1/models lists the GPT-5.6 family under its web names, and no dotted Codex name", () => {
    const ids = listModels().map((model) => model.id);
    expect(ids).toEqual(expect.arrayContaining(["gpt-5-6", "gpt-5-6-thinking", "gpt-5-6-t-mini", "gpt-5-6-pro", "auto", "gpt-4o", "gpt-5-thinking"]));
    expect(ids.filter((id) => isCodexModel(id))).toEqual([]);
  });
});
