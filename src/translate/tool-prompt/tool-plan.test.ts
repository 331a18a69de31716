/** Reading tools, tool_choice and parallel_tool_calls from both endpoints into one plan. */
import { describe, expect, test } from "bun:test";
import { InvalidInputError } from "../translate-errors.ts";
import { chatToolPlan, responsesToolPlan, type DeclaredTool } from "./tool-plan.ts";

const weatherSchema = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
const weather: DeclaredTool = { name: "get_weather", kind: "function", description: "Weather now.", parameters: weatherSchema, format: null };
const time: DeclaredTool = { name: "get_time", kind: "function", description: null, parameters: null, format: null };
const patch: DeclaredTool = { name: "apply_patch", kind: "custom", description: "Edit files.", parameters: null, format: { type: "text" } };

const chatTools = [
  { type: "function", function: { name: "get_weather", description: "Weather now.", parameters: weatherSchema } },
  { type: "function", function: { name: "get_time" } },
  { type: "custom", custom: { name: "apply_patch", description: "Edit files.", format: { type: "text" } } },
];
const responsesTools = [
  { type: "function", name: "get_weather", description: "Weather now.", parameters: weatherSchema, strict: true },
  { type: "function", name: "get_time" },
  { type: "custom", name: "apply_patch", description: "Edit files.", format: { type: "text" } },
  { type: "web_search_preview" },
];

function refusal(run: () => unknown): { param: string | null; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidInputError) return { param: error.param, message: error.message };
    throw error;
  }
  throw new Error("expected an InvalidInputError");
}

describe("chatToolPlan", () => {
  test("tools, auto by default, parallel by default", () => {
    expect(chatToolPlan({ tools: chatTools })).toEqual({ tools: [weather, time, patch], choice: "auto", parallel: true, unsupported: [] });
  });

  test.each([
    ["none", { tools: [], choice: "auto" }],
    ["auto", { tools: [weather, time, patch], choice: "auto" }],
    ["required", { tools: [weather, time, patch], choice: "required" }],
    [{ type: "function", function: { name: "get_time" } }, { tools: [time], choice: { name: "get_time" } }],
    [{ type: "custom", custom: { name: "apply_patch" } }, { tools: [patch], choice: { name: "apply_patch" } }],
    [
      { type: "allowed_tools", allowed_tools: { mode: "required", tools: [{ type: "function", function: { name: "get_weather" } }, { type: "custom", custom: { name: "apply_patch" } }] } },
      { tools: [weather, patch], choice: "required" },
    ],
  ])("tool_choice %j", (toolChoice, planned) => {
    expect(chatToolPlan({ tools: chatTools, tool_choice: toolChoice, parallel_tool_calls: false })).toEqual({ ...planned, parallel: false, unsupported: [] } as never);
  });

  test("legacy functions and function_call", () => {
    const functions = [{ name: "get_time" }];
    expect(chatToolPlan({ functions, function_call: { name: "get_time" } })).toMatchObject({ tools: [time], choice: { name: "get_time" } });
    expect(chatToolPlan({ functions, function_call: "none" }).tools).toEqual([]);
    expect(chatToolPlan({ functions, function_call: "auto" }).choice).toBe("auto");
  });

  test("tool_choice wins over function_call", () => {
    expect(chatToolPlan({ tools: chatTools, tool_choice: "required", function_call: "none" }).choice).toBe("required");
  });

  test("a choice naming an undeclared tool is refused, naming the field", () => {
    expect(refusal(() => chatToolPlan({ tools: chatTools, tool_choice: { type: "function", function: { name: "get_stock" } } }))).toEqual({
      param: "tool_choice",
      message: "Invalid value for 'tool_choice': no tool named 'get_stock' was declared in 'tools'.",
    });
    expect(refusal(() => chatToolPlan({ functions: [{ name: "a" }], function_call: { name: "b" } })).param).toBe("function_call");
  });

  test("malformed declarations are refused, naming the field", () => {
    expect(refusal(() => chatToolPlan({ tools: [{ type: "function", function: { name: "" } }] })).param).toBe("tools[0].function.name");
    expect(refusal(() => chatToolPlan({ tools: [{ function: { name: "x" } }] })).param).toBe("tools[0].type");
    expect(refusal(() => chatToolPlan({ tools: chatTools, tool_choice: "sometimes" })).param).toBe("tool_choice");
  });
});

describe("responsesToolPlan", () => {
  test("flat tools; hosted ones are listed as unsupported", () => {
    expect(responsesToolPlan({ tools: responsesTools })).toEqual({
      tools: [weather, time, patch],
      choice: "auto",
      parallel: true,
      unsupported: [{ param: "tools[3]", type: "web_search_preview" }],
    });
  });

  test.each([
    [{ type: "function", name: "get_weather" }, { tools: [weather], choice: { name: "get_weather" } }],
    [{ type: "custom", name: "apply_patch" }, { tools: [patch], choice: { name: "apply_patch" } }],
    [{ type: "allowed_tools", mode: "auto", tools: [{ type: "function", name: "get_time" }] }, { tools: [time], choice: "auto" }],
    ["required", { tools: [weather, time, patch], choice: "required" }],
  ])("tool_choice %j", (toolChoice, planned) => {
    expect(responsesToolPlan({ tools: responsesTools, tool_choice: toolChoice })).toMatchObject(planned);
  });

  test("a chat-style nested function is read too", () => {
    expect(responsesToolPlan({ tools: [chatTools[0]] }).tools).toEqual([weather]);
  });

  test("a hosted tool cannot be required", () => {
    expect(refusal(() => responsesToolPlan({ tools: responsesTools, tool_choice: { type: "web_search_preview" } }))).toEqual({
      param: "tool_choice.type",
      message: `Unsupported value for 'tool_choice': "web_search_preview" tools cannot be required on this model (only declared function and custom tools can).`,
    });
  });
});
