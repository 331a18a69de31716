import { describe, expect, test } from "bun:test";
import { InvalidRequestError } from "../../errors.ts";
import { responsesSse } from "./responses-sse.ts";

describe("responsesSse", () => {
  test("frames an event as `event: <type>` + one data line, ends with nothing, stops after a final event", () => {
    const dialect = responsesSse();
    const event = { type: "response.output_text.delta", sequence_number: 4, delta: "a\nb" };
    expect(dialect.frame(event)).toBe(`event: response.output_text.delta\ndata: ${JSON.stringify(event)}\n\n`);
    expect(dialect.end).toBeNull();
    expect([dialect.isLast(event), dialect.isLast({ type: "response.completed" }), dialect.isLast({ type: "response.failed" })]).toEqual([false, true, true]);
  });

  test("a failure no event carried is an error event numbered after the last one written", () => {
    const dialect = responsesSse();
    dialect.frame({ type: "response.created", sequence_number: 0 });
    dialect.frame({ type: "response.in_progress", sequence_number: 1 });
    const frame = dialect.failure(new InvalidRequestError("Bad.", { param: "input", code: "x" }));
    const [eventLine, dataLine] = frame.trimEnd().split("\n");
    expect(eventLine).toBe("event: error");
    expect(JSON.parse((dataLine ?? "").slice("data: ".length))).toEqual({
      type: "error",
      code: "x",
      message: "Bad.",
      param: "input",
      sequence_number: 2,
      error: { type: "invalid_request_error", code: "x", message: "Bad.", param: "input" },
    });
  });
});
