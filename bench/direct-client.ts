/**
 * @module The "direct" side of the request benches: this process doing the web upstream protocol itself (sentinel,
 * proof-of-work in its own 2-worker pool, conversation stream read to the end), as any client of ChatGPT's web
 * backend must, against the emulator at `emulatorUrl`. `close()` ends its pool.
 */
import { UpstreamClient } from "../src/engines/web/client.ts";
import { createIdentity } from "../src/engines/web/identity.ts";
import { PowWorkerPool } from "../src/engines/web/pow/pool.ts";
import { silentLogger } from "../src/logger.ts";

export function directClient(emulatorUrl: string): { direct: (i: number) => Promise<void>; close: () => Promise<void> } {
  const pow = new PowWorkerPool({ size: 2 });
  const upstream = new UpstreamClient({
    hosts: [emulatorUrl],
    language: "en-US",
    authKey: null,
    conversationOnly: false,
    powDifficultyLimit: "00003a",
    pow,
    turnstileSolverUrl: null,
    arkoseTokenUrls: [],
    logger: silentLogger,
  });
  const identity = createIdentity({ accessToken: null, teamAccountId: null }, { userAgents: [], proxyUrls: [] });
  const body = (i: number) => ({
    action: "next",
    messages: [{ id: crypto.randomUUID(), author: { role: "user" }, content: { content_type: "text", parts: [`bench ${i}`] }, metadata: {} }],
    model: "gpt-4o-mini",
    parent_message_id: "client-created-root",
    conversation_mode: { kind: "primary_assistant" },
    supported_encodings: ["v1"],
    force_use_sse: true,
    history_and_training_disabled: true,
    timezone_offset_min: 0,
  });
  const direct = async (i: number): Promise<void> => {
    const opened = await upstream.openConversation({ identity, prepareBody: async () => body(i) });
    for await (const _event of opened.events as unknown as AsyncIterable<unknown>) {
      // read to the end, as a client must
    }
  };
  return { direct, close: () => pow.close() };
}
