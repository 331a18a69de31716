/** @module An UpstreamClient on a fake upstream with a hand-moved clock, and one chat through it (generation tests). */
import { buildConversationBody } from "../../../../translate/build-conversation-body.ts";
import { resolveModel } from "../../../../translate/model-names.ts";
import { type OpenedConversation, UpstreamClient, type UpstreamClientOptions } from "../../client.ts";
import type { UpstreamEvent } from "../../events.ts";
import type { UpstreamIdentity } from "../../identity.ts";
import { account, type fakeUpstream, HOST, pow, recordingLogger } from "./fake-upstream.ts";

export const START = Date.parse("2026-08-21T17:00:00Z");

export function testClient(fake: ReturnType<typeof fakeUpstream>, options: Partial<UpstreamClientOptions> = {}) {
  const clock = { t: START };
  const log = recordingLogger();
  const client = new UpstreamClient({
    hosts: [HOST],
    language: "en-US",
    authKey: null,
    conversationOnly: false,
    powDifficultyLimit: "00003a",
    pow,
    turnstileSolverUrl: null,
    arkoseTokenUrls: [],
    logger: log.logger,
    fetch: fake.fetch,
    now: () => new Date(clock.t),
    ...options,
  });
  let bodies = 0;
  /** Opens a conversation and reads it to the end; `bodies` counts how often the body (with its uploads) was built. */
  const chat = async (identity: UpstreamIdentity = account()): Promise<Omit<OpenedConversation, "events"> & { events: UpstreamEvent[] }> => {
    const opened = await client.openConversation({
      identity,
      prepareBody: async () => {
        bodies++;
        return buildConversationBody({ messages: [], model: resolveModel("gpt-4o"), historyDisabled: true, random: () => 0.5 }) as unknown as Record<string, unknown>;
      },
    });
    const events: UpstreamEvent[] = [];
    const reader = opened.events.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) events.push(read.value);
    return { ...opened, events };
  };
  return { client, clock, log, chat, bodies: () => bodies };
}
