/**
 * @module The request log under load (issue 12): rows are written behind the requests in batches, and none is lost
 * or doubled on the way — every reply of a burst of concurrent chats, streamed or not, is one row with its usage.
 */
import { expect, test } from "bun:test";
import { startHarness } from "./harness.ts";

const REQUESTS = 240;
const CONCURRENCY = 16;

test("every reply of a concurrent burst is one request-log row carrying its usage", async () => {
  await using h = await startHarness();
  const client = h.client("anonymous");
  const usages: Array<{ prompt: number; completion: number }> = [];
  const chat = async (n: number): Promise<void> => {
    const messages = [{ role: "user" as const, content: `request ${n}: ${"word ".repeat(n % 17)}` }];
    if (n % 2 === 0) {
      const completion = await client.chat.completions.create({ model: "gpt-4o-mini", messages });
      usages.push({ prompt: completion.usage?.prompt_tokens ?? -1, completion: completion.usage?.completion_tokens ?? -1 });
      return;
    }
    const stream = await client.chat.completions.create({ model: "gpt-4o-mini", messages, stream: true, stream_options: { include_usage: true } });
    for await (const chunk of stream) if (chunk.usage) usages.push({ prompt: chunk.usage.prompt_tokens, completion: chunk.usage.completion_tokens });
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) await chat(next++);
    }),
  );
  expect(usages.length).toBe(REQUESTS);

  // the log is read through the store, which writes what still waits first
  const rows = await h.server.runtime.store.recentRequests(1_000);
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  expect({
    rows: rows.length,
    ok: rows.filter((row) => row.status === 200 && row.model === "gpt-4o-mini").length,
    promptTokens: sum(rows.map((row) => row.promptTokens)),
    completionTokens: sum(rows.map((row) => row.completionTokens)),
  }).toEqual({
    rows: REQUESTS,
    ok: REQUESTS,
    promptTokens: sum(usages.map((u) => u.prompt)),
    completionTokens: sum(usages.map((u) => u.completion)),
  });
}, 120_000);
