/**
 * @module The web engine's rendered reply with its tool blocks turned into calls (tool-calls.md §2–3): a
 * transformer over RenderedDelta that runs `content` through a {@link ToolBlockParser} and passes every other
 * delta on as it comes. A reply that ended in calls finishes with `tool_calls` instead of `stop`; a failed reply
 * gives back what was held as text and fails as it would have. Put it after the renderer only when the prompt
 * described tools (a reply to a request without tools must not lose a `<tool_call>` it quotes).
 *
 *     pullThrough(deltas, toolCallStream({ tools: plan.tools, parallel: plan.parallel }))
 */
import type { RenderedDelta } from "../rendered-delta.ts";
import { ToolBlockParser, type ToolBlockParserOptions } from "./tool-block-parser.ts";

export type ToolCallStreamOptions = ToolBlockParserOptions;

/** One delta in, what it releases out (the parser's state lives in `parser`). */
export function toolCallDeltas(parser: ToolBlockParser, delta: RenderedDelta): RenderedDelta[] {
  switch (delta.type) {
    case "content":
      return parser.push(delta.text);
    case "finish": {
      const settled: RenderedDelta[] = parser.end();
      // `length` and `content_filter` say more than `tool_calls` about a reply that was cut
      const reason = delta.reason === "stop" && parser.completedCalls > 0 ? "tool_calls" : delta.reason;
      return [...settled, { ...delta, reason }];
    }
    case "failed":
      return [...parser.abandon(), delta];
    default:
      return [delta];
  }
}

export function toolCallStream(options: ToolCallStreamOptions): Transformer<RenderedDelta, RenderedDelta> {
  const parser = new ToolBlockParser(options);
  return {
    transform(delta, controller) {
      for (const out of toolCallDeltas(parser, delta)) controller.enqueue(out);
    },
    flush(controller) {
      // a reply cut without finish or failure: what was held is still the reply's text
      for (const out of parser.abandon()) controller.enqueue(out);
    },
  };
}
