/**
 * @module The "direct" side of the request benches: this process doing the web upstream protocol itself (sentinel,
 * proof-of-work in its own 2-worker pool, conversation stream read to the end), as any client of ChatGPT's web
 * backend must, against the emulator at `emulatorUrl`. `close()` ends its pool.
 */
import { UpstreamClient } from "../src/engines/web/client.ts";
import { createIdentity } from "../src/engines/web/identity.ts";
import { PowWorkerPool } from "../src/engines/web/pow/pool.ts";
import { silentLogger } from "../src/logger.ts";

/** Chat2api's web client as the benches use it: no-login mode against `emulatorUrl`, the emulator's PoW limit. */
export function benchUpstreamClient(emulatorUrl: string, pow: PowWorkerPool): UpstreamClient {
  return new UpstreamClient({
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
}

/** A 2024 conversation body for `messages`, as the web page sends a new chat. */
export function benchConversationBody(model: string, messages: { role: string; content: string }[]): Record<string, unknown> {
  return {
    action: "next",
    messages: messages.map((message) => ({ id: crypto.randomUUID(), author: { role: message.role }, content: { content_type: "text", parts: [message.content] }, metadata: {} })),
    model,
    parent_message_id: "client-created-root",
    conversation_mode: { kind: "primary_assistant" },
    supported_encodings: ["v1"],
    force_use_sse: true,
    history_and_training_disabled: true,
    timezone_offset_min: 0,
  };
}

export function directClient(emulatorUrl: string): { direct: (i: number) => Promise<void>; close: () => Promise<void> } {
  const pow = new PowWorkerPool({ size: 2 });
  const upstream = benchUpstreamClient(emulatorUrl, pow);
  const identity = createIdentity({ accessToken: null, teamAccountId: null }, { userAgents: [], proxyUrls: [] });
  const direct = async (i: number): Promise<void> => {
    const opened = await upstream.openConversation({ identity, prepareBody: async () => benchConversationBody("gpt-4o-mini", [{ role: "user", content: `bench ${i}` }]) });
    for await (const _event of opened.events as unknown as AsyncIterable<unknown>) {
      // read to the end, as a client must
    }
  };
  return { direct, close: () => pow.close() };
}
