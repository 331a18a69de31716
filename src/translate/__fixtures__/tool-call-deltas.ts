/** @module Test fixtures: replies with native tool calls, as the Codex engine renders them, for every writer's tests. */
import type { RenderedDelta, UpstreamUsage } from "../rendered-delta.ts";

export const upstreamUsage: UpstreamUsage = { promptTokens: 90, cachedTokens: 10, completionTokens: 30, reasoningTokens: 8 };

/** Reasoning, then two parallel calls whose argument fragments interleave; the upstream counted the usage. */
export const parallelCallDeltas: RenderedDelta[] = [
  { type: "start", conversationId: null, messageId: "resp_1" },
  { type: "reasoning", text: "Two lookups." },
  { type: "tool-call-start", index: 0, callId: "call_A", name: "get_weather" },
  { type: "tool-call-start", index: 1, callId: "call_B", name: "get_time" },
  { type: "tool-call-delta", index: 0, argumentsDelta: '{"ci' },
  { type: "tool-call-delta", index: 1, argumentsDelta: '{"zone":' },
  { type: "tool-call-delta", index: 0, argumentsDelta: 'ty":"Paris"}' },
  { type: "tool-call-delta", index: 1, argumentsDelta: '"Europe/Paris"}' },
  { type: "tool-call-end", index: 0, arguments: '{"city":"Paris"}' },
  { type: "tool-call-end", index: 1, arguments: '{"zone":"Europe/Paris"}' },
  { type: "finish", reason: "tool_calls", usage: upstreamUsage },
];

/** Some text, then one call. */
export const textThenCallDeltas: RenderedDelta[] = [
  { type: "start", conversationId: null, messageId: "resp_1" },
  { type: "content", text: "Checking." },
  { type: "tool-call-start", index: 0, callId: "call_1", name: "ls" },
  { type: "tool-call-delta", index: 0, argumentsDelta: '{"path":"."}' },
  { type: "tool-call-end", index: 0, arguments: '{"path":"."}' },
  { type: "finish", reason: "tool_calls" },
];
