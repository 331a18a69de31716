/**
 * @module End-to-end stream handoff (web-2026.md §6.4): the 2026 emulator ends the write's stream after
 * `stream_handoff`; chat2api completes the turn through `f/conversation/resume`, or through the WebSocket topic where
 * resume is refused, and its caller sees one uninterrupted answer with `[DONE]` last (chat streamed and not,
 * Responses).
 */
import { describe, expect, test } from "bun:test";
import { post, startHarness } from "./harness.ts";

const chat = (content: string) => ({ model: "gpt-5-6", messages: [{ role: "user" as const, content }] });
const paths = (log: { path: string; status: number }[]) => log.map((e) => `${e.path.replace(/^\/backend-api/, "")} ${e.status}`).filter((p) => !p.includes("sentinel") && !p.includes("/f/conversation/prepare") && p !== "/ 200");

/** The SSE data lines of a streamed chat completion, and the text its deltas add up to. */
async function rawStream(response: Response): Promise<{ data: string[]; text: string }> {
  const data = (await response.text())
    .split("\n")
    .filter((line) => line.startsWith("data: "))
    .map((line) => line.slice(6));
  const text = data
    .filter((d) => d !== "[DONE]")
    .map((d) => (JSON.parse(d) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? "")
    .join("");
  return { data, text };
}

for (const mode of ["resume", "websocket"] as const) {
  describe(`handoff by ${mode}`, () => {
    test("chat stream: one answer, [DONE] last; chat non-stream and Responses get the whole answer", async () => {
      await using h = await startHarness({ emulator: { webGeneration: "2026", handoff: mode } });
      const account = h.emulator.addAccount({ plan: "plus" });
      const streamed = await rawStream(await h.fetch("/v1/chat/completions", post({ ...chat("handed off [[words:40]]"), stream: true }, account.accessToken)));
      const completion = await h.client(account.accessToken).chat.completions.create(chat("not streamed"));
      const response = await h.client(account.accessToken).responses.create({ model: "gpt-5-6", input: "responses" });
      expect(streamed.data.at(-1)).toBe("[DONE]");
      expect(streamed.data.filter((d) => d === "[DONE]")).toHaveLength(1);
      expect(streamed.text.split(" ")).toHaveLength(40);
      expect([completion.choices[0]?.message.content, completion.choices[0]?.finish_reason, response.output_text, response.status]).toEqual(["You said: not streamed", "stop", "You said: responses", "completed"]);
      const follow = mode === "resume" ? ["/f/conversation 200", "/f/conversation/resume 200"] : ["/f/conversation 200", "/f/conversation/resume 404", "/f/conversation/resume 404", "/celsius/ws/user 200"];
      expect(paths(h.emulator.log)).toEqual([...follow, ...follow, ...follow]);
    });
  });
}
