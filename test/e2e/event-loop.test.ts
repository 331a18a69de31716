/**
 * End-to-end: one hostile request must not stall the server. While a chat with a 1,000,000-character unbroken run
 * (the tokenizer's worst case) or a data-URL image just under the body limit (base64 decoding, image sizing) is
 * in flight, `GET /v1/models` keeps answering within a second, and the hostile request itself ends.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { randomText } from "../../src/translate/__fixtures__/random-text.ts";
import type { EmulatedAccount } from "../emulator/index.ts";
import { type Harness, post, startHarness } from "./harness.ts";

let h: Harness;
let account: EmulatedAccount;

beforeAll(async () => {
  h = await startHarness();
  account = h.emulator.addAccount({ plan: "plus", email: "loop@example.com" });
  // no warm-up request: the first request that counts tokens loads a table (tens of milliseconds), inside the probes' bound
}, 30_000);
afterAll(async () => {
  await h?.[Symbol.asyncDispose]();
});

const MAX_BODY_BYTES = 8 * 1024 * 1024;
/** What the upstream (and the emulator) accepts in one conversation request. */
const UPSTREAM_MAX_CHARACTERS = 400_000;

function conversations() {
  return h.emulator.log.filter((entry) => entry.path.endsWith("/conversation"));
}
const PROBES = 3;

/**
 * Probes `/v1/models` one after another until `request` settles (and at least {@link PROBES} times), recording how
 * long each took and how many answered while the request was still in flight. With `heldUpstream` (a `hold` fault
 * injected for the request's conversation), the held stream is let go only once {@link PROBES} probes were answered
 * while it was held: how long the request lasts then no longer depends on how fast the machine counts tokens.
 */
async function probeDuring(
  request: Promise<Response>,
  { heldUpstream = false }: { heldUpstream?: boolean } = {},
): Promise<{ response: Response; body: string; probeMs: number[]; duringFlight: number }> {
  let inFlight = true;
  const settled = request.then(async (response) => ({ response, body: await response.text() })).finally(() => {
    inFlight = false;
  });
  const probeMs: number[] = [];
  let duringFlight = 0;
  let whileHeld = 0;
  while (inFlight || probeMs.length < PROBES) {
    const started = performance.now();
    const models = await h.fetch("/v1/models");
    await models.arrayBuffer();
    expect(models.status).toBe(200);
    probeMs.push(performance.now() - started);
    if (inFlight) duringFlight++;
    if (heldUpstream && h.emulator.stats().held > 0 && ++whileHeld >= PROBES) h.emulator.releaseHeld();
  }
  return { ...(await settled), probeMs, duringFlight };
}

/**
 * Probes answered while the request was in flight, none slower than a second. (With its stream held, several were by
 * construction; the bound on each is what shows the server kept answering.)
 */
function expectServedMeanwhile(probeMs: number[], duringFlight: number): void {
  expect(duringFlight).toBeGreaterThanOrEqual(1);
  expect(Math.max(...probeMs)).toBeLessThan(1000);
}

/** A chat of one user message `content`, and the probes made while it ran. */
function chatWhileProbing(content: string, extra: Record<string, unknown> = {}, options: { heldUpstream?: boolean } = {}) {
  if (options.heldUpstream) h.emulator.inject({ endpoint: "conversation", kind: { type: "hold", afterEvents: 1 } });
  return probeDuring(h.fetch("/v1/chat/completions", post({ model: "gpt-4o-mini", messages: [{ role: "user", content }], ...extra })), options);
}

test(
  "a chat whose message is a 1,000,000-character unbroken string: /v1/models answers within 1 s meanwhile, the chat ends (the upstream's 413)",
  async () => {
    const before = conversations().length;
    const { response, body, probeMs, duringFlight } = await chatWhileProbing(randomText(1_000_000));
    // ChatGPT takes at most 400,000 characters (the emulator too): counted first, then refused upstream, clearly
    expect(response.status).toBe(413);
    expect(JSON.parse(body)).toMatchObject({ error: { type: "invalid_request_error", message: expect.stringContaining("too long") } });
    expect(conversations().slice(before).map((entry) => entry.status)).toEqual([413]);
    expectServedMeanwhile(probeMs, duringFlight);
  },
  60_000,
);

test(
  "the longest message the upstream takes, 400,000 unbroken characters, is echoed with a 200 and counted while /v1/models answers",
  async () => {
    const run = randomText(UPSTREAM_MAX_CHARACTERS - "You said: ".length);
    const { response, body, probeMs, duringFlight } = await chatWhileProbing(run, {}, { heldUpstream: true });
    expect(response.status).toBe(200);
    const completion = JSON.parse(body) as { choices: { message: { content: string } }[]; usage: { prompt_tokens: number; completion_tokens: number } };
    expect(completion.choices[0]?.message.content).toBe(`You said: ${run}`);
    // random letters are about one token per two characters: counted (partly extrapolated), neither zero nor length
    expect(completion.usage.prompt_tokens).toBeGreaterThan(run.length * 0.4);
    expect(completion.usage.prompt_tokens).toBeLessThan(run.length * 0.65);
    expect(completion.usage.completion_tokens).toBeGreaterThan(run.length * 0.4);
    expectServedMeanwhile(probeMs, duringFlight);
  },
  60_000,
);

test(
  "the same streamed with max_tokens: cut at exactly that many tokens while /v1/models keeps answering",
  async () => {
    const run = randomText(UPSTREAM_MAX_CHARACTERS - "You said: ".length);
    const { response, body, probeMs, duringFlight } = await chatWhileProbing(run, { stream: true, stream_options: { include_usage: true }, max_tokens: 150_000 }, { heldUpstream: true });
    expect(response.status).toBe(200);
    const events = body
      .split("\n\n")
      .filter((line) => line.startsWith("data: {"))
      .map((line) => JSON.parse(line.slice("data: ".length)) as { choices: { finish_reason: string | null }[]; usage?: { completion_tokens: number } | null });
    expect(events.some((event) => event.choices[0]?.finish_reason === "length")).toBe(true);
    expect(events.at(-1)?.usage?.completion_tokens).toBe(150_000);
    expectServedMeanwhile(probeMs, duringFlight);
  },
  60_000,
);

test(
  "a data-URL image just under the body limit, built to make image sizing walk it byte by byte: a clear 400, /v1/models answers meanwhile",
  async () => {
    const prefix = `{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"text","text":"what is this?"},{"type":"image_url","image_url":{"url":"data:image/jpeg;base64,`;
    const suffix = `"}}]}]}`;
    const bytes = new Uint8Array(Math.floor((MAX_BODY_BYTES - prefix.length - suffix.length - 16) / 4) * 3).fill(1);
    bytes.set([0xff, 0xd8, 0xff, 0xe0]);
    const body = prefix + Buffer.from(bytes).toString("base64") + suffix;
    expect(body.length).toBeLessThan(MAX_BODY_BYTES);
    expect(body.length).toBeGreaterThan(MAX_BODY_BYTES - 64);
    const { response, body: answer, probeMs } = await probeDuring(h.fetch("/v1/chat/completions", post(body, account.accessToken)));
    expect(response.status).toBe(400);
    const error = (JSON.parse(answer) as { error: { message: string; param: string } }).error;
    expect(error.param).toBe("messages[0].content[1]");
    expect(error.message).toContain("image/jpeg image could not be read");
    // the first probe is sent together with the request: whatever the server does with the 8 MB, it waits at most that
    expect(Math.max(...probeMs)).toBeLessThan(1000);
  },
  60_000,
);
