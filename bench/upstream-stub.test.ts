/**
 * bench/upstream-stub.ts prices chat2api's web client in the CPU benches: these tests hold it to answering that client
 * as the emulator does, and to refusing a chat whose handshake was skipped or spent, so a bench against it cannot
 * measure a client that did less work.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createIdentity } from "../src/engines/web/identity.ts";
import { startEmulator } from "../test/emulator/index.ts";
import { PowWorkerPool } from "../src/engines/web/pow/pool.ts";
import { benchConversationBody, benchUpstreamClient } from "./direct-client.ts";
import { startUpstreamStub, type UpstreamStub } from "./upstream-stub.ts";

let stub: UpstreamStub;
let pow: PowWorkerPool;
beforeAll(() => {
  stub = startUpstreamStub();
  pow = new PowWorkerPool({ size: 1 });
});
afterAll(async () => {
  await pow.close();
  await stub.stop();
});

const anonymous = () => createIdentity({ accessToken: null, teamAccountId: null }, { userAgents: [], proxyUrls: [] });

type Event = { type: string; message?: { author: { role: string }; content: { parts?: unknown[] } } };

/** The events chat2api's web client reads from the upstream at `url` for one no-login chat saying `said`. */
async function eventsFrom(url: string, said: string): Promise<Event[]> {
  const opened = await benchUpstreamClient(url, pow).openConversation({
    identity: anonymous(),
    prepareBody: async () => benchConversationBody("gpt-4o-mini", [{ role: "user", content: said }]),
  });
  return Array.fromAsync(opened.events as unknown as AsyncIterable<Event>);
}

test("chat2api's web client completes a chat against it, and reads what it reads from the emulator", async () => {
  const before = { ...stub.stats };
  const events = await eventsFrom(stub.url, "bench 7");
  const parts = events.map((event) => (event.type === "message" && event.message?.author.role === "assistant" ? event.message.content.parts?.[0] : undefined));
  expect(parts.filter((part) => typeof part === "string").at(-1)).toBe("You said: bench 7");
  expect(stub.stats).toEqual({ requirements: before.requirements + 1, conversations: before.conversations + 1, refused: before.refused });

  // the same chat from the emulator, ids and times aside: the bench prices the work the emulator's answer asks for
  await using emulator = await startEmulator();
  const fromEmulator = await eventsFrom(emulator.url, "bench 7");
  const sameShape = (list: Event[]) =>
    JSON.stringify(list, (key, value) => (key === "create_time" ? "<time>" : typeof value === "string" && /^[0-9a-f]{8}-[0-9a-f]{4}-/.test(value) ? "<id>" : value));
  expect(sameShape(events)).toBe(sameShape(fromEmulator));
});

test("a conversation with no requirements token, a proof short of the difficulty or a spent token is refused", async () => {
  const conversation = (headers: Record<string, string>) =>
    fetch(`${stub.url}/backend-anon/conversation`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(benchConversationBody("gpt-4o-mini", [{ role: "user", content: "x" }])) });
  const requirements = async () => (await (await fetch(`${stub.url}/backend-anon/sentinel/chat-requirements`, { method: "POST", body: "{}" })).json()) as { token: string; proofofwork: { seed: string } };
  /** A proof for `seed` whose hash meets `0fffff` (`meets`) or misses it. */
  const proofFor = (seed: string, meets: boolean): string => {
    for (let nonce = 0; ; nonce++) {
      const body = btoa(`[${nonce}]`);
      const hex = new Bun.CryptoHasher("sha3-512").update(seed + body).digest("hex");
      if ((hex.slice(0, 6) <= "0fffff") === meets) return `gAAAAAB${body}`;
    }
  };
  const detail = async (response: Response) => ((await response.json()) as { detail: string }).detail;

  const none = await conversation({});
  expect(none.status).toBe(403);

  const first = await requirements();
  const short = await conversation({ "openai-sentinel-chat-requirements-token": first.token, "openai-sentinel-proof-token": proofFor(first.proofofwork.seed, false) });
  expect([short.status, await detail(short)]).toEqual([403, "proof of work does not meet the difficulty"]);
  const spent = await conversation({ "openai-sentinel-chat-requirements-token": first.token, "openai-sentinel-proof-token": proofFor(first.proofofwork.seed, true) });
  expect([spent.status, await detail(spent)]).toEqual([403, "unknown or spent chat requirements token"]);

  const second = await requirements();
  const good = await conversation({ "openai-sentinel-chat-requirements-token": second.token, "openai-sentinel-proof-token": proofFor(second.proofofwork.seed, true) });
  expect(good.status).toBe(200);
  expect(await good.text()).toEndWith("data: [DONE]\n\n");
});
