/** `POST /backend-api/codex/responses/compact` (codex.md §3.8): unary, no stream/store, a sealed compaction item. */
import { expect, test } from "bun:test";
import { startEmulator } from "../index.ts";
import { codexBody, codexHeaders, postResponses, userMessage } from "./test-client.ts";

test("compact answers one compaction item and the kept user messages, which a later request may carry", async () => {
  await using emu = await startEmulator();
  const account = emu.addCodexAccount();
  const compact = (body: unknown) => fetch(`${emu.url}/backend-api/codex/responses/compact`, { method: "POST", headers: codexHeaders(account, { accept: "application/json" }), body: JSON.stringify(body) });
  const response = await compact({ model: "gpt-5.5", instructions: "", input: [userMessage("first"), { type: "message", role: "assistant", content: [{ type: "output_text", text: "ok" }] }] });
  const { output } = (await response.json()) as { output: Record<string, unknown>[] };
  const next = await postResponses(emu.url, account, codexBody({ input: [...output, userMessage("go on")] }));
  await next.arrayBuffer();
  const streamed = await compact({ model: "gpt-5.5", instructions: "", input: [], stream: true });
  expect([response.status, output.map((o) => o.type), String(output[0]?.encrypted_content).startsWith("gAAAAA"), output[1], next.status, streamed.status, await streamed.json()]).toEqual([
    200,
    ["compaction", "message"],
    true,
    userMessage("first"),
    200,
    400,
    { detail: "Unsupported parameter: stream" },
  ]);
});
