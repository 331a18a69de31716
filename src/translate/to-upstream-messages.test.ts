import { describe, expect, test } from "bun:test";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { InvalidInputError } from "./translate-errors.ts";
import {
  listAttachmentParts,
  partKey,
  toUpstreamMessages,
  type ResolvedAttachment,
  type UpstreamMessageInput,
} from "./to-upstream-messages.ts";

function ids() {
  let next = 0;
  return () => `id-${++next}`;
}

function text(id: string, role: UpstreamMessageInput["author"]["role"], body: string): UpstreamMessageInput {
  return { id, author: { role }, content: { content_type: "text", parts: [body] }, metadata: {} };
}

const png: ResolvedAttachment = { fileId: "file-AbC123", name: "a.png", mimeType: "image/png", sizeBytes: 48213, width: 800, height: 600 };
const pdf: ResolvedAttachment = { fileId: "file-Pdf1", name: "b.pdf", mimeType: "application/pdf", sizeBytes: 5000 };

describe("toUpstreamMessages", () => {
  test.each<[string, ChatCompletionMessageParam, UpstreamMessageInput]>([
    ["string content", { role: "user", content: "Hello" }, text("id-1", "user", "Hello")],
    ["system", { role: "system", content: "Be brief." }, text("id-1", "system", "Be brief.")],
    ["developer becomes system", { role: "developer", content: "Be brief." }, text("id-1", "system", "Be brief.")],
    [
      "text parts joined by a blank line",
      { role: "user", content: [{ type: "text", text: "a" }, { type: "text", text: "b" }] },
      text("id-1", "user", "a\n\nb"),
    ],
    ["assistant", { role: "assistant", content: "Sure." }, text("id-1", "assistant", "Sure.")],
    [
      "assistant tool calls with null content are written out",
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }],
      },
      text("id-1", "assistant", '<tool_call>\n{"name":"get_weather","arguments":{"city":"Paris"},"call_id":"call_1"}\n</tool_call>'),
    ],
    [
      "assistant text and a tool call",
      {
        role: "assistant",
        content: "Checking.",
        tool_calls: [{ id: "call_2", type: "function", function: { name: "f", arguments: "{}" } }],
      },
      text("id-1", "assistant", 'Checking.\n\n<tool_call>\n{"name":"f","arguments":{},"call_id":"call_2"}\n</tool_call>'),
    ],
    [
      "tool result becomes user text naming the call",
      { role: "tool", tool_call_id: "call_1", content: "18°C" },
      text("id-1", "user", '<tool_result call_id="call_1">\n18°C\n</tool_result>'),
    ],
    [
      "a legacy function result names the function",
      { role: "function", name: "ls", content: "a.txt" },
      text("id-1", "user", '<tool_result name="ls">\na.txt\n</tool_result>'),
    ],
  ])("%s", (_name, input, expected) => {
    expect(toUpstreamMessages([input], { newId: ids() })).toEqual([expected]);
  });

  test("images become asset pointers plus attachments, other files attachments only (§5.3)", () => {
    const messages: ChatCompletionMessageParam[] = [
      { role: "system", content: "sys" },
      {
        role: "user",
        content: [
          { type: "text", text: "What is in this picture?" },
          { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
          { type: "file", file: { file_id: "x" } },
        ],
      },
    ];
    const attachments = new Map([
      [partKey(1, 1), png],
      [partKey(1, 2), pdf],
    ]);
    expect(toUpstreamMessages(messages, { newId: ids(), attachments })).toEqual([
      text("id-1", "system", "sys"),
      {
        id: "id-2",
        author: { role: "user" },
        content: {
          content_type: "multimodal_text",
          parts: [
            "What is in this picture?",
            { content_type: "image_asset_pointer", asset_pointer: "file-service://file-AbC123", size_bytes: 48213, width: 800, height: 600 },
          ],
        },
        metadata: {
          attachments: [
            { id: "file-AbC123", size: 48213, name: "a.png", mime_type: "image/png", width: 800, height: 600 },
            { id: "file-Pdf1", size: 5000, name: "b.pdf", mime_type: "application/pdf" },
          ],
        },
      },
    ]);
  });

  test.each<[string, ChatCompletionMessageParam[], string]>([
    [
      "an image the caller did not resolve",
      [{ role: "user", content: "x" }, { role: "user", content: "y" }, { role: "user", content: [{ type: "text", text: "a" }, { type: "image_url", image_url: { url: "https://x/y.png" } }] }],
      "messages[2].content[1]",
    ],
    [
      "audio input",
      [{ role: "user", content: [{ type: "input_audio", input_audio: { data: "AAAA", format: "wav" } }] }],
      "messages[0].content[0]",
    ],
    [
      "an unknown part type",
      [{ role: "user", content: [{ type: "video" } as never] }],
      "messages[0].content[0]",
    ],
    ["an unknown role", [{ role: "robot", content: "x" } as never], "messages[0].role"],
  ])("%s → 400 naming the part", (_name, messages, param) => {
    let error: unknown;
    try {
      toUpstreamMessages(messages, { newId: ids() });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).param).toBe(param);
  });
});

describe("listAttachmentParts", () => {
  test("lists the image and file parts with their keys", () => {
    const image = { type: "image_url", image_url: { url: "https://x/y.png", detail: "low" } } as const;
    const messages: ChatCompletionMessageParam[] = [
      { role: "user", content: "x" },
      { role: "user", content: [{ type: "text", text: "a" }, image] },
    ];
    expect(listAttachmentParts(messages)).toEqual([{ key: "1:1", messageIndex: 1, partIndex: 1, part: image }]);
  });
});
