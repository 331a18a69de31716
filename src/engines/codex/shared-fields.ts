/**
 * @module Rules both request converters (Chat Completions and Responses) apply the same way: which of the caller's
 * fields go unsent, and the one service tier the backend takes.
 */
import type { CodexModel } from "./models.ts";

/** Fields the edge honours itself (streamed or aggregated answer, usage chunk): not sent, yet not dropped. */
const HONOURED_BY_CALLER = new Set(["stream", "stream_options"]);

export function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** The caller's fields with a value that are neither sent nor honoured by the caller. */
export function unsentFields(request: object, sent: ReadonlySet<string>): string[] {
  return Object.entries(request)
    .filter(([key, value]) => present(value) && !sent.has(key) && !HONOURED_BY_CALLER.has(key))
    .map(([key]) => key);
}

/**
 * `priority` ("Fast") is the only tier on the wire, for models whose catalog lists it; `fast` is the apps' name for
 * it. Undefined means the caller's tier is not sent.
 */
export function serviceTierFor(requested: string | null | undefined, model: CodexModel | null): "priority" | undefined {
  const tier = requested === "fast" ? "priority" : requested;
  return tier === "priority" && (!model || model.serviceTiers.includes("priority")) ? "priority" : undefined;
}
