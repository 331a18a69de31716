import { describe, expect, test } from "bun:test";
import { InvalidInputError } from "./translate-errors.ts";
import { responsesInput, toInputParam } from "./responses-input.ts";

const PNG = "data:image/png;base64,iVBORw0KGgo=";

describe("responsesInput", () => {
  test.each<[string, string | unknown[], string | null, unknown]>([
    ["a string input is one user message", "Hi", null, { messages: [{ role: "user", content: "Hi" }], origins: ["input"] }],
    [
      "instructions become a leading system message",
      "Hi",
      "Be brief.",
      {
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "Hi" },
        ],
        origins: ["instructions", "input"],
      },
    ],
    [
      "easy messages and typed message items keep their roles; assistant output_text becomes a string",
      [
        { role: "developer", content: "Rules" },
        { role: "user", content: "Q" },
        { type: "message", role: "assistant", id: "msg_1", status: "completed", content: [{ type: "output_text", text: "A", annotations: [] }] },
        { type: "reasoning", id: "rs_1", summary: [] },
        { role: "user", content: [{ type: "input_text", text: "Q2" }] },
      ],
      null,
      {
        messages: [
          { role: "developer", content: "Rules" },
          { role: "user", content: "Q" },
          { role: "assistant", content: "A" },
          { role: "user", content: [{ type: "text", text: "Q2" }] },
        ],
        origins: ["input[0]", "input[1]", "input[2]", "input[4]"],
      },
    ],
    [
      "input_image and input_file map to image_url and file parts, one to one",
      [
        {
          role: "user",
          content: [
            { type: "input_text", text: "Look" },
            { type: "input_image", image_url: PNG, detail: "low" },
            { type: "input_file", file_data: "JVBERi0=", filename: "a.pdf" },
          ],
        },
      ],
      null,
      {
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "Look" },
              { type: "image_url", image_url: { url: PNG, detail: "low" } },
              { type: "file", file: { file_data: "JVBERi0=", filename: "a.pdf" } },
            ],
          },
        ],
        origins: ["input[0]"],
      },
    ],
    [
      "several text parts of a developer message are joined with a newline, not run together",
      [
        { role: "developer", content: [{ type: "input_text", text: "<skills>a</skills>" }, { type: "input_text", text: "<permissions>b</permissions>" }] },
        { role: "user", content: "Q" },
      ],
      null,
      {
        messages: [
          { role: "developer", content: "<skills>a</skills>\n<permissions>b</permissions>" },
          { role: "user", content: "Q" },
        ],
        origins: ["input[0]", "input[1]"],
      },
    ],
    [
      "tool history: text and parallel calls are one assistant turn; each output is a tool message by call id",
      [
        { role: "user", content: "Weather and time?" },
        { type: "message", role: "assistant", content: [{ type: "output_text", text: "Checking." }] },
        { type: "function_call", id: "fc_1", call_id: "call_A", name: "get_weather", arguments: '{"city":"Paris"}', status: "completed" },
        { type: "function_call", call_id: "call_B", name: "get_time", arguments: "{}" },
        { type: "function_call_output", call_id: "call_A", output: "sunny" },
        { type: "function_call_output", call_id: "call_B", output: [{ type: "input_text", text: "12:00" }, { type: "input_text", text: "CET" }] },
      ],
      null,
      {
        messages: [
          { role: "user", content: "Weather and time?" },
          {
            role: "assistant",
            content: "Checking.",
            tool_calls: [
              { id: "call_A", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
              { id: "call_B", type: "function", function: { name: "get_time", arguments: "{}" } },
            ],
          },
          { role: "tool", tool_call_id: "call_A", content: "sunny" },
          { role: "tool", tool_call_id: "call_B", content: "12:00\nCET" },
        ],
        origins: ["input[0]", "input[1]", "input[4]", "input[5]"],
      },
    ],
    [
      "the Codex CLI's freeform and local shell calls, and an output alone as the new turn",
      [
        { type: "custom_tool_call", call_id: "call_P", name: "apply_patch", input: "*** Begin Patch" },
        { type: "custom_tool_call_output", call_id: "call_P", output: "Done" },
        { type: "local_shell_call", id: "lsh_1", call_id: "call_S", action: { type: "exec", command: ["ls"] }, status: "completed" },
        { type: "local_shell_call_output", id: "call_S", output: '{"output":"a.txt"}' },
      ],
      null,
      {
        messages: [
          { role: "assistant", content: null, tool_calls: [{ id: "call_P", type: "custom", custom: { name: "apply_patch", input: "*** Begin Patch" } }] },
          { role: "tool", tool_call_id: "call_P", content: "Done" },
          { role: "assistant", content: null, tool_calls: [{ id: "call_S", type: "function", function: { name: "local_shell", arguments: '{"type":"exec","command":["ls"]}' } }] },
          { role: "tool", tool_call_id: "call_S", content: '{"output":"a.txt"}' },
        ],
        origins: ["input[0]", "input[1]", "input[2]", "input[3]"],
      },
    ],
  ])("%s", (_label, input, instructions, expected) => {
    expect(responsesInput(input, instructions)).toEqual(expected as never);
  });

  test.each<[string, unknown[], string]>([
    ["an item that is not an object", ["hi"], "input[0]"],
    ["an unknown role", [{ role: "robot", content: "x" }], "input[0].role"],
    ["content that is neither string nor parts", [{ role: "user", content: 3 }], "input[0].content"],
    ["an unknown part type", [{ role: "user", content: [{ type: "input_audio" }] }], "input[0].content[0]"],
    ["input_text without text", [{ role: "user", content: [{ type: "input_text" }] }], "input[0].content[0].text"],
    ["an input_image by file_id", [{ role: "user", content: [{ type: "input_image", file_id: "file-1" }] }], "input[0].content[0]"],
    ["an input_file by URL", [{ role: "user", content: [{ type: "input_file", file_url: "https://x/a.pdf" }] }], "input[0].content[0]"],
    ["an image in a system message", [{ role: "system", content: [{ type: "input_image", image_url: PNG }] }, { role: "user", content: "x" }], "input[0].content[0]"],
    ["an item reference", [{ type: "item_reference", id: "msg_1" }], "input[0]"],
    ["an item type with no chat meaning", [{ type: "web_search_call", id: "ws_1" }, { role: "user", content: "x" }], "input[0].type"],
    ["a function call without call_id", [{ type: "function_call", name: "ls", arguments: "{}" }, { role: "user", content: "x" }], "input[0].call_id"],
    ["a tool output that is an image", [{ type: "function_call_output", call_id: "c", output: [{ type: "input_image", image_url: PNG }] }], "input[0].output[0]"],
    ["a tool output that is a number", [{ type: "custom_tool_call_output", call_id: "c", output: 3 }], "input[0].output"],
    ["no user message at all", [{ role: "assistant", content: "x" }], "input"],
  ])("%s is refused naming %s (a 400 at the edge)", (_label, input, param) => {
    let caught: unknown = null;
    try {
      responsesInput(input);
    } catch (error) {
      caught = error;
    }
    expect(caught instanceof InvalidInputError ? caught.param : caught).toEqual(param);
  });
});

describe("toInputParam", () => {
  test.each([
    ["messages[1].content[2]", ["instructions", "input[0]"], "input[0].content[2]"],
    ["messages[0].content[0]", ["instructions", "input[0]"], "instructions"],
    ["messages[0]", ["input"], "input"],
    ["messages[3].content[0]", ["input[0]", "input[1]", "input[2]", "input[5]"], "input[5].content[0]"],
    ["model", ["input"], "model"],
  ])("%s with origins %p → %s", (param, origins, expected) => {
    expect(toInputParam(param, origins)).toBe(expected);
  });
});
