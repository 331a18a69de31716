/**
 * Tool calls and results written back as text: chat tool/function messages, Responses tool items (as
 * `responsesInput` reads them), and earlier calls as blocks the reply parser reads back to the same call.
 */
import { describe, expect, test } from "bun:test";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { ToolBlockParser } from "../tool-stream/tool-block-parser.ts";
import { InvalidInputError } from "../translate-errors.ts";
import { responsesInput } from "../responses-input.ts";
import { renderToolCall, renderToolResult, toolHistoryAsText, type PastToolCall } from "./tool-history.ts";

describe("renderToolCall / renderToolResult", () => {
  test("a call is the block the model writes, with its call id", () => {
    expect(renderToolCall({ kind: "function", callId: "call_1", name: "get_weather", arguments: '{"city": "Paris"}' })).toBe(
      '<tool_call>\n{"name":"get_weather","arguments":{"city":"Paris"},"call_id":"call_1"}\n</tool_call>',
    );
    expect(renderToolCall({ kind: "custom", callId: "call_2", name: "apply_patch", input: "*** Begin Patch\n" })).toBe(
      '<tool_call>\n{"name":"apply_patch","arguments":{"input":"*** Begin Patch\\n"},"call_id":"call_2"}\n</tool_call>',
    );
    // arguments that are no JSON are shown as the text they were
    expect(renderToolCall({ kind: "function", callId: null, name: "f", arguments: "{oops" })).toBe('<tool_call>\n{"name":"f","arguments":"{oops"}\n</tool_call>');
  });

  test("a result names its call id and tool", () => {
    expect(renderToolResult({ callId: "call_1", name: "get_weather", output: '{"temp": 21}' })).toBe(
      '<tool_result call_id="call_1" name="get_weather">\n{"temp": 21}\n</tool_result>',
    );
    expect(renderToolResult({ callId: 'a"b<c', name: null, output: "" })).toBe('<tool_result call_id="a&quot;b&lt;c">\n\n</tool_result>');
  });

  test.each<[string, PastToolCall, string]>([
    ["a function call", { kind: "function", callId: "call_1", name: "get_weather", arguments: '{"city":"Paris","days":[1,2]}' }, '{"city":"Paris","days":[1,2]}'],
    ["a custom call", { kind: "custom", callId: "call_2", name: "apply_patch", input: 'a\n"b" ü 😀' }, 'a\n"b" ü 😀'],
  ])("%s reads back through the reply parser as the same call", (_, call, args) => {
    const tools = [
      { name: "get_weather", kind: "function" as const },
      { name: "apply_patch", kind: "custom" as const },
    ];
    const parser = new ToolBlockParser({ tools });
    const deltas = [...parser.push(renderToolCall(call)), ...parser.end()];
    expect(deltas.filter((delta) => delta.type === "tool-call-end")).toEqual([{ type: "tool-call-end", index: 0, arguments: args }]);
    expect(deltas.some((delta) => delta.type === "content")).toBe(false);
  });
});

describe("toolHistoryAsText", () => {
  const history: ChatCompletionMessageParam[] = [
    { role: "system", content: "Be brief." },
    { role: "user", content: "Weather and time in Paris?" },
    {
      role: "assistant",
      content: "Looking.",
      tool_calls: [
        { id: "call_A", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
        { id: "call_B", type: "function", function: { name: "get_time", arguments: '{"zone":"Europe/Paris"}' } },
      ],
    },
    { role: "tool", tool_call_id: "call_B", content: "14:05" },
    { role: "tool", tool_call_id: "call_A", content: [{ type: "text", text: "21 °C" }, { type: "text", text: "sunny" }] },
    { role: "assistant", content: null, function_call: { name: "get_stock", arguments: '{"symbol":"ACME"}' } },
    { role: "function", name: "get_stock", content: "42" },
    { role: "assistant", content: "Done." },
  ];

  test("calls as blocks after the assistant's text, results as user messages naming call id and tool, one for one", () => {
    expect(toolHistoryAsText(history) as unknown[]).toEqual([
      history[0],
      history[1],
      {
        role: "assistant",
        content:
          'Looking.\n\n<tool_call>\n{"name":"get_weather","arguments":{"city":"Paris"},"call_id":"call_A"}\n</tool_call>\n' +
          '<tool_call>\n{"name":"get_time","arguments":{"zone":"Europe/Paris"},"call_id":"call_B"}\n</tool_call>',
      },
      { role: "user", content: '<tool_result call_id="call_B" name="get_time">\n14:05\n</tool_result>' },
      { role: "user", content: '<tool_result call_id="call_A" name="get_weather">\n21 °C\nsunny\n</tool_result>' },
      { role: "assistant", content: '<tool_call>\n{"name":"get_stock","arguments":{"symbol":"ACME"}}\n</tool_call>' },
      { role: "user", content: '<tool_result name="get_stock">\n42\n</tool_result>' },
      history[7],
    ]);
  });

  test("a result whose call is not in the history still has its call id", () => {
    expect(toolHistoryAsText([{ role: "tool", tool_call_id: "call_Z", content: "ok" }])).toEqual([
      { role: "user", content: '<tool_result call_id="call_Z">\nok\n</tool_result>' },
    ]);
  });

  test("a malformed call is refused, naming its field", () => {
    const bad = [{ role: "assistant", content: null, tool_calls: [{ id: "c", type: "function", function: { name: "f" } }] }] as unknown as ChatCompletionMessageParam[];
    expect(() => toolHistoryAsText(bad)).toThrow(new InvalidInputError("Invalid value for 'messages[0].tool_calls[0].function.arguments': expected a string."));
    try {
      toolHistoryAsText(bad);
    } catch (error) {
      expect((error as InvalidInputError).param).toBe("messages[0].tool_calls[0].function.arguments");
    }
  });
});

describe("Responses tool items", () => {
  test("read by responsesInput, then written as text: calls and outputs with their call ids", () => {
    const { messages } = responsesInput([
      { type: "message", role: "user", content: "Weather in Paris and Rome?" },
      { type: "function_call", call_id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' },
      { type: "function_call", call_id: "call_2", name: "get_weather", arguments: '{"city":"Rome"}' },
      { type: "function_call_output", call_id: "call_2", output: "25 °C" },
      { type: "function_call_output", call_id: "call_1", output: [{ type: "input_text", text: "21 °C" }] },
      { type: "custom_tool_call", call_id: "call_3", name: "apply_patch", input: "*** Begin Patch" },
      { type: "custom_tool_call_output", call_id: "call_3", output: "Done!" },
      { type: "local_shell_call", call_id: "call_4", status: "completed", action: { type: "exec", command: ["ls"] } },
      { type: "local_shell_call_output", id: "call_4", output: "a.txt" },
    ]);
    expect(toolHistoryAsText(messages).map((message) => [message.role, message.content])).toEqual([
      ["user", "Weather in Paris and Rome?"],
      [
        "assistant",
        '<tool_call>\n{"name":"get_weather","arguments":{"city":"Paris"},"call_id":"call_1"}\n</tool_call>\n' +
          '<tool_call>\n{"name":"get_weather","arguments":{"city":"Rome"},"call_id":"call_2"}\n</tool_call>',
      ],
      ["user", '<tool_result call_id="call_2" name="get_weather">\n25 °C\n</tool_result>'],
      ["user", '<tool_result call_id="call_1" name="get_weather">\n21 °C\n</tool_result>'],
      ["assistant", '<tool_call>\n{"name":"apply_patch","arguments":{"input":"*** Begin Patch"},"call_id":"call_3"}\n</tool_call>'],
      ["user", '<tool_result call_id="call_3" name="apply_patch">\nDone!\n</tool_result>'],
      ["assistant", '<tool_call>\n{"name":"local_shell","arguments":{"type":"exec","command":["ls"]},"call_id":"call_4"}\n</tool_call>'],
      ["user", '<tool_result call_id="call_4" name="local_shell">\na.txt\n</tool_result>'],
    ]);
  });
});
