/** The tools section of the upstream prompt: the tools, the block to write, the rules tool_choice and parallel set. */
import { describe, expect, test } from "bun:test";
import { toolInstructions } from "./tool-instructions.ts";
import { chatToolPlan, responsesToolPlan } from "./tool-plan.ts";

const tools = [
  {
    type: "function",
    function: { name: "get_weather", description: "Current weather in a city.", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
  },
  { type: "function", function: { name: "get_time" } },
];

describe("toolInstructions", () => {
  test("the whole text for two functions, auto, parallel", () => {
    expect(toolInstructions(chatToolPlan({ tools }))).toBe(
      [
        "# Tools",
        "",
        "In this conversation you can call the tools below. The user's application runs a tool when you call it and sends you its result in a later message.",
        "",
        "## get_weather",
        "Current weather in a city.",
        'Arguments (JSON Schema): {"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}',
        "",
        "## get_time",
        'Arguments (JSON Schema): {"type":"object","properties":{}}',
        "",
        "# Calling a tool",
        "",
        "To call a tool, write this block, with the tool's name and its arguments:",
        "",
        "<tool_call>",
        '{"name": "TOOL_NAME", "arguments": {"ARGUMENT": "VALUE"}}',
        "</tool_call>",
        "",
        "- Use only the tools listed above, with their exact names. The arguments are a JSON object that matches the tool's schema, not a string.",
        "- Write the block as plain text, exactly as shown: no code fence around it, nothing but the JSON inside it.",
        "- You may write a short message before the block. Stop right after </tool_call>: the result comes in the next message. Never write a result yourself.",
        "- To call several tools at once, write one block per call, one after the other.",
        "- Call a tool only when it helps with the request; otherwise answer normally, with no block.",
        "",
        "Results come back as:",
        "",
        '<tool_result call_id="CALL_ID" name="TOOL_NAME">',
        "RESULT",
        "</tool_result>",
      ].join("\n"),
    );
  });

  test("required, one call at most", () => {
    const text = toolInstructions(chatToolPlan({ tools, tool_choice: "required", parallel_tool_calls: false })) ?? "";
    expect(text).toContain("- Call at most one tool per reply.\n- This reply must call at least one of the tools.\n");
    expect(text).not.toContain("several tools");
  });

  test("a named choice describes that tool alone and requires it", () => {
    const text = toolInstructions(chatToolPlan({ tools, tool_choice: { type: "function", function: { name: "get_time" } } })) ?? "";
    expect(text).toContain("- This reply must call the tool `get_time`.");
    expect(text).toContain("## get_time");
    expect(text).not.toContain("## get_weather");
  });

  test("nothing when the model may call nothing", () => {
    expect(toolInstructions(chatToolPlan({}))).toBeNull();
    expect(toolInstructions(chatToolPlan({ tools, tool_choice: "none" }))).toBeNull();
    expect(toolInstructions(responsesToolPlan({ tools: [{ type: "web_search" }] }))).toBeNull();
  });

  test("a custom tool takes its text as input, under its grammar when it has one", () => {
    const plan = responsesToolPlan({
      tools: [{ type: "custom", name: "apply_patch", description: "Edit files.", format: { type: "grammar", syntax: "lark", definition: 'start: "*** Begin Patch"' } }],
    });
    expect(toolInstructions(plan)).toContain(
      [
        "## apply_patch",
        "Edit files.",
        'Free-text input: give the text as the string "input" of the arguments: "arguments": {"input": "<the text>"}.',
        "The text must follow this lark grammar:",
        'start: "*** Begin Patch"',
      ].join("\n"),
    );
  });
});
