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
    ["a function call output", [{ type: "function_call_output", call_id: "c", output: "{}" }], "input[0].type"],
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
