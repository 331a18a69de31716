/** response_format on the web path (tool-calls.md §5): reading it, the prompt text, and checking a finished reply. */
import { describe, expect, test } from "bun:test";
import { InvalidInputError } from "../translate-errors.ts";
import { replyChecker, stripFence, type ReplyChecker } from "./check-reply.ts";
import { responseFormatInstructions, retryInstructions } from "./format-instructions.ts";
import { chatResponseFormat, responsesTextFormat, type ResponseFormat } from "./read-response-format.ts";

const citySchema = {
  type: "object",
  properties: { city: { type: "string" }, temp: { type: "number" }, day: { type: "string", format: "date" } },
  required: ["city", "temp"],
  additionalProperties: false,
};
const cityFormat: ResponseFormat = { type: "json_schema", name: "weather", description: null, schema: citySchema, strict: true };

function refusal(run: () => unknown): InvalidInputError {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error("expected an InvalidInputError");
}

async function checker(format: ResponseFormat): Promise<ReplyChecker> {
  const check = await replyChecker(format);
  if (!check) throw new Error("expected a checker");
  return check;
}

describe("reading the format", () => {
  test("chat response_format and Responses text.format give the same format", () => {
    expect(chatResponseFormat({ type: "json_schema", json_schema: { name: "weather", schema: citySchema, strict: true } })).toEqual(cityFormat);
    expect(responsesTextFormat({ type: "json_schema", name: "weather", schema: citySchema, strict: true })).toEqual(cityFormat);
    expect(chatResponseFormat({ type: "json_object" })).toEqual({ type: "json_object" });
    expect(chatResponseFormat(undefined)).toEqual({ type: "text" });
    expect(responsesTextFormat({ type: "text" })).toEqual({ type: "text" });
  });

  test("strict only when true; a description is kept; no schema allows anything", () => {
    expect(responsesTextFormat({ type: "json_schema", name: "n", description: "Why." })).toEqual({ type: "json_schema", name: "n", description: "Why.", schema: {}, strict: false });
  });

  test("malformed formats are refused, naming the field", () => {
    expect(refusal(() => chatResponseFormat({ type: "json_schema" })).param).toBe("response_format.json_schema");
    expect(refusal(() => chatResponseFormat({ type: "json_schema", json_schema: { schema: {} } })).param).toBe("response_format.json_schema.name");
    expect(refusal(() => responsesTextFormat({ type: "json_schema", name: "n", schema: [] })).param).toBe("text.format.schema");
    expect(refusal(() => responsesTextFormat({ type: "xml" })).param).toBe("text.format.type");
  });
});

describe("responseFormatInstructions", () => {
  test("json_object asks for one object and no prose", () => {
    expect(responseFormatInstructions({ type: "json_object" })).toBe(
      "# Response format\n\nYour reply must be a single JSON object.\nReply with the JSON only: no text before or after it, no code fence, no comments.",
    );
  });

  test("json_schema gives the schema", () => {
    expect(responseFormatInstructions({ ...cityFormat, description: "Today's weather." })).toBe(
      [
        "# Response format",
        "",
        'Your reply must be a single JSON value (named "weather") that is valid against this JSON Schema:',
        JSON.stringify(citySchema),
        "What it is for: Today's weather.",
        "Reply with the JSON only: no text before or after it, no code fence, no comments.",
      ].join("\n"),
    );
  });

  test("nothing for text", () => {
    expect(responseFormatInstructions({ type: "text" })).toBeNull();
  });

  test("a retry quotes what was wrong", () => {
    expect(retryInstructions({ ok: false, problem: "schema", reason: "the reply does not match the schema: $/temp must be number" })).toBe(
      "Your previous reply was not valid: the reply does not match the schema: $/temp must be number. Reply again with the corrected JSON only, valid against the schema.",
    );
  });
});

describe("replyChecker", async () => {
  test.each([
    ['{"a": 1}', '{"a": 1}'],
    ['  {"a": 1}\n', '{"a": 1}'],
    ['```json\n{"a": 1}\n```', '{"a": 1}'],
    ['```\n{"a": 1}\n```', '{"a": 1}'],
    ['```{"a": 1}```', '{"a": 1}'],
    ['Here: ```json\n{"a": 1}\n```', 'Here: ```json\n{"a": 1}\n```'],
  ])("stripFence(%p) is %p", (reply, json) => {
    expect(stripFence(reply)).toBe(json);
  });

  test("json_object: an object passes, fenced or not", async () => {
    expect((await checker({ type: "json_object" }))('```json\n{"a": [1]}\n```')).toEqual({ ok: true, json: '{"a": [1]}', value: { a: [1] } });
  });

  test("json_object: prose or a non-object fails with a reason", async () => {
    const check = await checker({ type: "json_object" });
    expect(check("Sure! Here it is.")).toMatchObject({ ok: false, problem: "not-json" });
    expect(check("[1, 2]")).toEqual({ ok: false, problem: "not-object", reason: "the reply is JSON but not an object" });
  });

  test("json_schema: a valid reply passes", async () => {
    expect((await checker(cityFormat))('{"city": "Paris", "temp": 21, "day": "2025-06-01"}')).toEqual({
      ok: true,
      json: '{"city": "Paris", "temp": 21, "day": "2025-06-01"}',
      value: { city: "Paris", temp: 21, day: "2025-06-01" },
    });
  });

  test("json_schema: an invalid reply fails, saying where and why", async () => {
    const check = await checker(cityFormat);
    expect(check('{"city": "Paris", "temp": "warm", "wind": 3, "day": "June"}')).toEqual({
      ok: false,
      problem: "schema",
      reason: "the reply does not match the schema: $ must NOT have additional properties ('wind'); $/temp must be number; $/day must match format \"date\"",
    });
    expect(check('{"temp": 1}')).toMatchObject({ ok: false, reason: "the reply does not match the schema: $ must have required property 'city'" });
    expect(check("not json")).toMatchObject({ ok: false, problem: "not-json" });
  });

  test("the draft follows $schema; refs and $defs resolve", async () => {
    const schema = {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      $defs: { point: { type: "array", prefixItems: [{ type: "number" }, { type: "number" }], items: false } },
      type: "object",
      properties: { at: { $ref: "#/$defs/point" } },
      required: ["at"],
    };
    const check = await checker({ ...cityFormat, schema });
    expect(check('{"at": [1, 2]}').ok).toBe(true);
    expect(check('{"at": [1, 2, 3]}').ok).toBe(false);
    const draft7 = await checker({ ...cityFormat, schema: { $schema: "http://json-schema.org/draft-07/schema#", definitions: { n: { type: "integer" } }, $ref: "#/definitions/n" } });
    expect(draft7("3").ok).toBe(true);
    expect(draft7("3.5").ok).toBe(false);
    // a draft Ajv lacks is read as draft-07
    expect((await checker({ ...cityFormat, schema: { $schema: "http://json-schema.org/draft-04/schema#", type: "string" } }))('"x"').ok).toBe(true);
  });

  test("two schemas with the same $id compile side by side, each checking its own", async () => {
    const first = await checker({ ...cityFormat, schema: { $id: "https://example.com/s", type: "string" } });
    const second = await checker({ ...cityFormat, schema: { $id: "https://example.com/s", type: "number" } });
    expect([first('"a"').ok, second('"a"').ok, second("1").ok]).toEqual([true, false, true]);
  });

  test("a schema that cannot be compiled is refused, naming the field", async () => {
    const error = await replyChecker({ ...cityFormat, schema: { type: "strnig" } }, { schemaParam: "text.format.schema" }).then(
      () => null,
      (e: unknown) => e,
    );
    if (!(error instanceof InvalidInputError)) throw new Error("expected an InvalidInputError");
    expect(error.param).toBe("text.format.schema");
    expect(error.code).toBe("invalid_json_schema");
    expect(error.message).toStartWith("Invalid schema for response_format 'text.format.schema': schema is invalid");
  });

  test("text is not checked", async () => {
    expect(await replyChecker({ type: "text" })).toBeNull();
  });
});
