/**
 * @module Reasoning efforts per model (codex.md §6.2, §6.3) and how a requested effort becomes one the model takes:
 * the backend answers 400 `unsupported_value` for any other (pitfall 8). The account's catalog, when known, is the
 * authority; this table covers the models it has listed since 2025 for callers without one.
 */
import type { CodexRequestInvalid, EffortChange } from "./codex-body.ts";

/** Every effort the backend has known, cheapest first. */
export const EFFORT_LADDER = ["none", "minimal", "low", "medium", "high", "xhigh", "max", "ultra"] as const;

const UP_TO_XHIGH = ["low", "medium", "high", "xhigh"];
const UP_TO_MAX = [...UP_TO_XHIGH, "max"];
const UP_TO_ULTRA = [...UP_TO_MAX, "ultra"];

export const MODEL_EFFORTS: Readonly<Record<string, readonly string[]>> = {
  "gpt-6-astra": UP_TO_ULTRA,
  "gpt-5.6-sol": UP_TO_ULTRA,
  "gpt-5.6-terra": UP_TO_ULTRA,
  "gpt-5.6-luna": UP_TO_MAX,
  "gpt-5.5": UP_TO_XHIGH,
  "gpt-5.4": UP_TO_XHIGH,
  "gpt-5.4-mini": UP_TO_XHIGH,
  "gpt-5.3-codex-spark": UP_TO_XHIGH,
  "codex-auto-review": UP_TO_MAX,
  // Retired by mid-2026, kept for accounts whose catalog still lists them.
  "gpt-5.3-codex": UP_TO_XHIGH,
  "gpt-5.2-codex": UP_TO_XHIGH,
  "gpt-5.2": UP_TO_XHIGH,
  "gpt-5.1-codex-max": UP_TO_XHIGH,
  "gpt-5.1-codex-mini": ["medium", "high"],
  "gpt-5.1-codex": ["low", "medium", "high"],
  "gpt-5.1": ["low", "medium", "high"],
  "gpt-5-codex-mini": ["medium", "high"],
  "gpt-5-codex": ["low", "medium", "high"],
  "gpt-5": ["minimal", "low", "medium", "high"],
};

/** The efforts `model` takes: the catalog's list when given and non-empty, else the table's; null when unknown. */
export function effortsOf(model: string, catalogEfforts?: readonly string[] | null): readonly string[] | null {
  if (catalogEfforts && catalogEfforts.length > 0) return catalogEfforts;
  return MODEL_EFFORTS[model] ?? null;
}

export type EffortResolution = { ok: true; effort: string; change: EffortChange | null } | { ok: false; error: CodexRequestInvalid };

/**
 * The effort to send for `requested`: itself when accepted, else the accepted one nearest on the ladder (the cheaper
 * on a tie), so `none`/`minimal` become `low` where refused and `ultra` becomes `xhigh` on a model that stops there.
 * A value that is no effort at all is refused, naming it. For a model of unknown efforts only `none` and `minimal`,
 * which no current Codex model takes (§6.3), are raised to `low`.
 */
export function resolveReasoningEffort(requested: string, accepted: readonly string[] | null, param: string): EffortResolution {
  const value = requested.trim().toLowerCase();
  const rank = EFFORT_LADDER.indexOf(value as (typeof EFFORT_LADDER)[number]);
  if (rank < 0) {
    return {
      ok: false,
      error: {
        message: `Unsupported value: '${requested}' for ${param}. Supported values are: ${(accepted ?? EFFORT_LADDER).map((effort) => `'${effort}'`).join(", ")}.`,
        param,
        code: "unsupported_value",
      },
    };
  }
  let effort = value;
  if (accepted === null) {
    if (rank < EFFORT_LADDER.indexOf("low")) effort = "low";
  } else if (!accepted.includes(value)) {
    let best: string | null = null;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (const candidate of accepted) {
      const candidateRank = EFFORT_LADDER.indexOf(candidate as (typeof EFFORT_LADDER)[number]);
      if (candidateRank < 0) continue;
      const distance = Math.abs(candidateRank - rank);
      if (distance < bestDistance || (distance === bestDistance && candidateRank < rank)) {
        best = candidate;
        bestDistance = distance;
      }
    }
    if (best === null) {
      return {
        ok: false,
        error: { message: `Unsupported value: '${requested}' for ${param}: the model accepts none of the known efforts.`, param, code: "unsupported_value" },
      };
    }
    effort = best;
  }
  return { ok: true, effort, change: effort === requested ? null : { requested, sent: effort } };
}
