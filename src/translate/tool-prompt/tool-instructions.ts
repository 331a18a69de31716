/**
 * @module The instruction text that gives the web model a request's tools (tool-calls.md §1): each callable tool
 * with its description and JSON Schema, the `<tool_call>` block to write, and the rules `tool_choice` and
 * `parallel_tool_calls` set. The caller places it with the system text it sends upstream; null when the model may
 * call nothing (no tools, or `tool_choice: "none"`), so such a request's prompt is unchanged.
 */
import type { DeclaredTool, ToolPlan } from "./tool-plan.ts";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A custom tool's grammar, when it declared one (chat nests it, Responses flattens it). */
function grammarOf(format: unknown): { syntax: string; definition: string } | null {
  if (!isRecord(format) || format.type !== "grammar") return null;
  const grammar = isRecord(format.grammar) ? format.grammar : format;
  return typeof grammar.definition === "string" ? { syntax: String(grammar.syntax ?? "formal"), definition: grammar.definition } : null;
}

function describeTool(tool: DeclaredTool): string {
  const lines = [`## ${tool.name}`];
  if (tool.description) lines.push(tool.description);
  if (tool.kind === "function") {
    // compact JSON: a schema is for the model to read, and every space is a token of every turn
    lines.push(`Arguments (JSON Schema): ${JSON.stringify(tool.parameters ?? { type: "object", properties: {} })}`);
    return lines.join("\n");
  }
  lines.push('Free-text input: give the text as the string "input" of the arguments: "arguments": {"input": "<the text>"}.');
  const grammar = grammarOf(tool.format);
  if (grammar) lines.push(`The text must follow this ${grammar.syntax} grammar:`, grammar.definition);
  return lines.join("\n");
}

function choiceRule(plan: ToolPlan): string {
  if (plan.choice === "required") return "- This reply must call at least one of the tools.";
  if (plan.choice === "auto") return "- Call a tool only when it helps with the request; otherwise answer normally, with no block.";
  return `- This reply must call the tool \`${plan.choice.name}\`.`;
}

/** The tools section of the upstream prompt, or null when there is nothing the model may call. */
export function toolInstructions(plan: ToolPlan): string | null {
  if (plan.tools.length === 0) return null;
  const rules = [
    "- Use only the tools listed above, with their exact names. The arguments are a JSON object that matches the tool's schema, not a string.",
    "- Write the block as plain text, exactly as shown: no code fence around it, nothing but the JSON inside it.",
    "- You may write a short message before the block. Stop right after </tool_call>: the result comes in the next message. Never write a result yourself.",
    plan.parallel ? "- To call several tools at once, write one block per call, one after the other." : "- Call at most one tool per reply.",
    choiceRule(plan),
  ];
  return [
    "# Tools",
    "",
    "In this conversation you can call the tools below. The user's application runs a tool when you call it and sends you its result in a later message.",
    "",
    plan.tools.map(describeTool).join("\n\n"),
    "",
    "# Calling a tool",
    "",
    "To call a tool, write this block, with the tool's name and its arguments:",
    "",
    "<tool_call>",
    '{"name": "TOOL_NAME", "arguments": {"ARGUMENT": "VALUE"}}',
    "</tool_call>",
    "",
    ...rules,
    "",
    "Results come back as:",
    "",
    '<tool_result call_id="CALL_ID" name="TOOL_NAME">',
    "RESULT",
    "</tool_result>",
  ].join("\n");
}
