import { describe, expect, test } from "bun:test";
import { compareVersions, parseVersion } from "./client-version.ts";
import { isModelAvailableTo, modelsForClientVersion, parseCodexModels } from "./models.ts";

/** Shaped as the live catalog (§6.1), trimmed to the fields the engine reads plus a few it ignores. */
const catalog = {
  models: [
    {
      slug: "gpt-5.5",
      display_name: "GPT-5.5",
      priority: 2,
      visibility: "list",
      supported_in_api: true,
      minimal_client_version: "0.124.0",
      default_reasoning_level: "medium",
      supported_reasoning_levels: [
        { effort: "low", description: "Fast" },
        { effort: "medium", description: "Balanced" },
        { effort: "high", description: "Deep" },
        { effort: "xhigh", description: "Deepest" },
      ],
      supports_reasoning_summaries: true,
      support_verbosity: true,
      input_modalities: ["text", "image"],
      supports_parallel_tool_calls: true,
      service_tiers: [{ id: "priority", name: "Fast", description: "1.5x" }],
      context_window: 272000,
      available_in_plans: ["free", "plus", "pro", "team"],
      base_instructions: "You are Codex…",
    },
    {
      slug: "gpt-6-astra",
      display_name: "GPT-6 Astra",
      priority: 1,
      visibility: "list",
      minimal_client_version: "0.153.0",
      supported_reasoning_levels: [{ effort: "low" }, { effort: "medium" }, { effort: "high" }, { effort: "xhigh" }, { effort: "max" }, { effort: "ultra" }],
    },
    {
      slug: "gpt-5.3-codex-spark",
      priority: 5,
      visibility: "list",
      minimal_client_version: [0, 99, 0],
      supported_reasoning_levels: [{ effort: "low" }, { effort: "high" }],
      input_modalities: ["text"],
      supports_reasoning_summary_parameter: false,
    },
    { slug: "codex-auto-review", priority: 9, visibility: "hide" },
    { display_name: "no slug" },
    "garbage",
  ],
};

describe("parseCodexModels", () => {
  test("reads the fields the engine uses, sorted by priority, skipping entries without a slug", () => {
    const models = parseCodexModels(catalog);
    expect(models.map((model) => model.slug)).toEqual(["gpt-6-astra", "gpt-5.5", "gpt-5.3-codex-spark", "codex-auto-review"]);
    expect(models[1]).toEqual({
      slug: "gpt-5.5",
      displayName: "GPT-5.5",
      listed: true,
      priority: 2,
      minimalClientVersion: "0.124.0",
      efforts: ["low", "medium", "high", "xhigh"],
      defaultEffort: "medium",
      inputModalities: ["text", "image"],
      supportsReasoningSummaries: true,
      acceptsReasoningSummary: true,
      supportsParallelToolCalls: true,
      supportsVerbosity: true,
      serviceTiers: ["priority"],
      contextWindow: 272000,
      availableInPlans: ["free", "plus", "pro", "team"],
    });
  });

  test("text-only models, the older [0, 99, 0] version form, hidden models", () => {
    const [, , spark, review] = parseCodexModels(catalog);
    expect([spark?.inputModalities, spark?.minimalClientVersion, spark?.acceptsReasoningSummary, review?.listed]).toEqual([["text"], "0.99.0", false, false]);
  });

  test.each([[null], [{}], [{ models: "x" }], ["text"]])("%p holds no models", (body) => {
    expect(parseCodexModels(body)).toEqual([]);
  });
});

describe("version gating", () => {
  const models = parseCodexModels(catalog);

  test.each([
    ["0.152.9", ["gpt-5.5", "gpt-5.3-codex-spark", "codex-auto-review"]],
    ["0.153.0", ["gpt-6-astra", "gpt-5.5", "gpt-5.3-codex-spark", "codex-auto-review"]],
    ["0.124.0", ["gpt-5.5", "gpt-5.3-codex-spark", "codex-auto-review"]],
    ["0.123.9", ["gpt-5.3-codex-spark", "codex-auto-review"]],
  ])("client %s sees %p", (version, slugs) => {
    expect(modelsForClientVersion(models, version).map((model) => model.slug)).toEqual(slugs);
  });

  test("an unreadable client version gates nothing (the server has the last word)", () => {
    const [astra] = models;
    expect(astra && isModelAvailableTo(astra, "dev")).toBe(true);
  });

  test.each<[unknown, number[] | null]>([
    ["0.153.1", [0, 153, 1]],
    ["1.2", [1, 2, 0]],
    ["0.155.0-alpha.1", [0, 155, 0]],
    [[0, 99, 0], [0, 99, 0]],
    ["v1", null],
    ["", null],
    [42, null],
  ])("parseVersion(%p) = %p", (value, expected) => {
    expect(parseVersion(value)).toEqual(expected);
  });

  test("versions compare numerically, not as text", () => {
    expect(compareVersions([0, 153, 0], [0, 99, 0])).toBeGreaterThan(0);
    expect(compareVersions([0, 99, 0], [0, 153, 0])).toBeLessThan(0);
    expect(compareVersions([1, 0, 0], [1, 0, 0])).toBe(0);
  });
});
