import { describe, expect, test } from "bun:test";
import { t } from "elysia";
import { ApiError } from "../errors.ts";
import { integer } from "./body-types.ts";
import { bodyCheck } from "./check-body.ts";
import { ChatCompletionRequest } from "./chat/model.ts";
import { CreateResponseRequest } from "./responses/model.ts";
import { silentLogger } from "../logger.ts";
import { chatModule } from "./chat/index.ts";
import { imagesModule } from "./images/index.ts";
import { responsesModule } from "./responses/index.ts";
import { describeSchema } from "./validation-param.ts";

function failure(check: (body: unknown) => void, body: unknown): { param: string | null; message: string; code: string | null } | null {
  try {
    check(body);
    return null;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { param: error.param, message: error.message, code: error.code };
  }
}

const checkChat = bodyCheck(ChatCompletionRequest);
const user = { role: "user", content: "hi" };
const chat = (messages: unknown[], extra: Record<string, unknown> = {}) => ({ model: "gpt-4o", messages, ...extra });

describe("bodyCheck names the innermost wrong field of a union", () => {
  test.each<[string, unknown, string, string]>([
    ["a text part without text", chat([{ role: "user", content: [{ type: "text" }] }]), "messages[0].content[0].text", "Missing required parameter: 'messages[0].content[0].text'."],
    ["a text part with a number", chat([{ role: "user", content: [{ type: "text", text: 1 }] }]), "messages[0].content[0].text", "Invalid value for 'messages[0].content[0].text': expected string."],
    ["an unknown part type", chat([{ role: "user", content: [{ type: "video_url" }] }]), "messages[0].content[0].type", "Invalid value for 'messages[0].content[0].type': expected one of \"text\", \"image_url\", \"input_audio\", \"file\"."],
    ["an image part without a URL", chat([{ role: "user", content: [{ type: "image_url", image_url: {} }] }]), "messages[0].content[0].image_url.url", "Missing required parameter: 'messages[0].content[0].image_url.url'."],
    ["an image part in a system message", chat([{ role: "system", content: [{ type: "image_url", image_url: { url: "x" } }] }, user]), "messages[0].content[0].type", "Invalid value for 'messages[0].content[0].type': expected \"text\"."],
    ["an unknown role", chat([{ role: "wizard", content: "hi" }]), "messages[0].role", "Invalid value for 'messages[0].role': expected one of \"system\", \"developer\", \"user\", \"assistant\", \"tool\", \"function\"."],
    ["a message that is a string", chat(["hi"]), "messages[0]", "Invalid value for 'messages[0]': expected an object."],
    ["a tool call without a function", chat([user, { role: "assistant", tool_calls: [{ id: "c", type: "function" }] }, user]), "messages[1].tool_calls[0].function", "Missing required parameter: 'messages[1].tool_calls[0].function'."],
    ["wrongly typed content", chat([{ role: "user", content: 5 }]), "messages[0].content", "Invalid value for 'messages[0].content': expected string or an array with at least 1 item."],
    ["a temperature out of range", chat([user], { temperature: 3 }), "temperature", "Invalid value for 'temperature': expected number from 0 to 2."],
    ["a tool_choice word it does not know", chat([user], { tool_choice: "always" }), "tool_choice", "Invalid value for 'tool_choice': expected one of \"none\", \"auto\", \"required\"."],
    ["a metadata value that is not a string", chat([user], { metadata: { a: 1 } }), "metadata.a", "Invalid value for 'metadata.a': expected string."],
  ])("%s", (_label, body, param, message) => {
    expect(failure(checkChat, body)).toEqual({ param, message, code: message.startsWith("Missing") ? "missing_required_parameter" : "invalid_type" });
  });

  test("every shape OpenAI documents passes, with the fields clients send and we ignore", () => {
    const body = chat(
      [
        { role: "developer", content: [{ type: "text", text: "be brief" }] },
        { role: "system", content: "sys", name: "s" },
        {
          role: "user",
          content: [
            { type: "text", text: "look", prompt_cache_breakpoint: { type: "ephemeral" } },
            { type: "image_url", image_url: { url: "https://example.com/a.png", detail: "low" } },
            { type: "file", file: { file_data: "QUJD", filename: "a.txt" } },
            { type: "input_audio", input_audio: { data: "UklGRg==", format: "wav" } },
          ],
        },
        { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }], refusal: null },
        { role: "assistant", content: [{ type: "refusal", refusal: "no" }], tool_calls: [{ id: "c2", type: "custom", custom: { name: "g", input: "x" } }] },
        { role: "assistant", function_call: { name: "f", arguments: "{}" } },
        { role: "tool", tool_call_id: "c1", content: [{ type: "text", text: "42" }] },
        { role: "function", name: "f", content: null },
        user,
      ],
      {
        stream: true,
        stream_options: { include_usage: true, include_obfuscation: false },
        temperature: 0.7,
        top_p: 1,
        presence_penalty: 0,
        frequency_penalty: 0,
        seed: 1,
        user: "u",
        metadata: { a: "b" },
        tools: [{ type: "function", function: { name: "f", parameters: {} } }],
        tool_choice: { type: "function", function: { name: "f" } },
        response_format: { type: "json_schema", json_schema: { name: "x", schema: {} } },
        reasoning_effort: "low",
        logit_bias: { "50256": -100 },
        unknown_future_field: { anything: true },
      },
    );
    expect(failure(checkChat, body)).toBeNull();
  });

  test("Responses: wrongly typed text, reasoning, stream_options and metadata are named", () => {
    const check = bodyCheck(CreateResponseRequest);
    for (const field of ["text", "reasoning", "stream_options", "metadata"]) {
      expect(failure(check, { model: "gpt-4o", input: "hi", [field]: "x" })?.param).toBe(field);
    }
    expect(failure(check, { model: "gpt-4o", input: "hi", text: { format: { type: "text" }, verbosity: "low" }, reasoning: { effort: "high", summary: "auto" } })).toBeNull();
  });

  test("a body that is not an object is named as such; a missing field as missing", () => {
    const check = bodyCheck(t.Object({ a: t.String() }));
    expect(failure(check, "x")).toEqual({ param: null, message: "The request body must be a JSON object.", code: "invalid_type" });
    expect(failure(check, {})).toEqual({ param: "a", message: "Missing required parameter: 'a'.", code: "missing_required_parameter" });
  });
});

test("describeSchema words bounds and literals the way a client author reads them", () => {
  expect(describeSchema(t.Union([integer({ minimum: 1, maximum: 1 }), t.Null()]))).toBe("integer from 1 to 1 or null");
  expect(describeSchema(t.Union([t.Literal("a"), t.Literal("b")]))).toBe('one of "a", "b"');
});

test("integers are JSON numbers: a numeric string does not slip past the bounds", () => {
  const check = bodyCheck(ChatCompletionRequest);
  const body = (extra: Record<string, unknown>) => ({ model: "gpt-4o", messages: [user], ...extra });
  expect(failure(check, body({ n: "3" }))?.param).toBe("n");
  expect(failure(check, body({ max_tokens: "-5" }))?.message).toBe("Invalid value for 'max_tokens': expected integer ≥ 1 or null.");
  expect(failure(check, body({ max_tokens: 1.5 }))?.param).toBe("max_tokens");
  expect(failure(check, body({ max_tokens: 100, n: 1 }))).toBeNull();
});

test("the API routes give Elysia no body schema: bodyCheck is the one check, the schema is only documented", () => {
  // with one, Elysia compiles a second validator and a normalizer per route and runs both on every body (RESULTS.md)
  const unused = {} as never;
  const routes = [
    chatModule({ service: unused, logger: silentLogger }),
    responsesModule({ replies: unused, logger: silentLogger }),
    imagesModule({ replies: unused, download: unused, assets: unused }),
  ].flatMap((module) => module.routes);
  expect(routes.map((route) => [route.path, "body" in (route.hooks ?? {}), Boolean(route.hooks?.detail?.requestBody)])).toEqual([
    ["/v1/chat/completions", false, true],
    ["/v1/responses", false, true],
    ["/v1/images/generations", false, true],
  ]);
});
