/** Every injectable fault produces its documented response, and caps hold until the emulator's clock passes. */
import { describe, expect, test } from "bun:test";
import { startEmulator } from "./index.ts";
import { wordList } from "./reply-text.ts";
import { conversationBody, converse, decodeDeltaV1, decodeLegacy, identity, parseSse, requirements, sentinelHeaders } from "./test-client.ts";

async function readAll(response: Response): Promise<{ text: string; failed: boolean }> {
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    for (let r = await reader?.read(); r && !r.done; r = await reader?.read()) text += decoder.decode(r.value, { stream: true });
    return { text, failed: false };
  } catch {
    return { text, failed: true };
  }
}

describe("faults answering instead of the endpoint", () => {
  test.each([
    ["conversation", 500],
    ["conversation", 413],
    ["requirements", 503],
    ["conversation", 401],
  ] as const)("a status fault on %s answers %i with a JSON detail", async (endpoint, status) => {
    await using emu = await startEmulator();
    emu.inject({ endpoint, kind: { type: "status", status, detail: "boom" } });
    const who = identity(emu.url);
    const response = endpoint === "requirements" ? await fetch(`${who.base}/sentinel/chat-requirements`, { method: "POST", headers: who.headers, body: JSON.stringify({ p: "gAAAAACWzEsMl0=" }) }) : await converse(who, conversationBody("hi"));
    expect([response.status, response.headers.get("content-type"), await response.json()]).toEqual([status, "application/json", { detail: "boom" }]);
  });

  test("a cloudflare fault answers 403 text/html with cf_chl_opt", async () => {
    await using emu = await startEmulator();
    emu.inject({ endpoint: "home", kind: { type: "cloudflare" } });
    const response = await fetch(`${emu.url}/`);
    const body = await response.text();
    expect([response.status, response.headers.get("content-type"), body.includes("cf_chl_opt")]).toEqual([403, "text/html; charset=utf-8", true]);
  });

  test("an unusual-activity fault answers 403 JSON", async () => {
    await using emu = await startEmulator();
    emu.inject({ endpoint: "conversation", kind: { type: "unusual-activity" } });
    const response = await converse(identity(emu.url), conversationBody("hi"));
    const body = (await response.json()) as { detail: string };
    expect([response.status, response.headers.get("content-type"), body.detail.startsWith("Unusual activity has been detected")]).toEqual([403, "application/json", true]);
  });

  test("a pow-difficulty fault changes the announced difficulty once", async () => {
    await using emu = await startEmulator();
    emu.inject({ endpoint: "requirements", kind: { type: "pow-difficulty", difficulty: "00001a" } });
    const who = identity(emu.url);
    const [first, second] = [await requirements(who), await requirements(who)];
    expect([first.proofofwork.difficulty, second.proofofwork.difficulty]).toEqual(["00001a", "0fffff"]);
  });

  test("faults target one account, count down their times, then stop", async () => {
    await using emu = await startEmulator();
    const a = emu.addAccount({ id: "a", email: "a@x.test" });
    const b = emu.addAccount({ id: "b" });
    emu.inject({ endpoint: "conversation", account: "a@x.test", times: 2, kind: { type: "status", status: 502 } });
    const statuses: number[] = [];
    for (const token of [b.accessToken, a.accessToken, a.accessToken, a.accessToken]) {
      const response = await converse(identity(emu.url, token), conversationBody("hi"));
      await response.text();
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 502, 502, 200]);
  });

  test("a fault for anonymous callers leaves accounts alone", async () => {
    await using emu = await startEmulator();
    const a = emu.addAccount();
    emu.inject({ endpoint: "conversation", account: "anon", kind: { type: "status", status: 500 } });
    const account = await converse(identity(emu.url, a.accessToken), conversationBody("hi"));
    const anon = await converse(identity(emu.url), conversationBody("hi"));
    expect([account.status, anon.status]).toEqual([200, 500]);
  });

  test("clearFaults drops queued faults", async () => {
    await using emu = await startEmulator();
    emu.inject({ endpoint: "conversation", kind: { type: "status", status: 500 } });
    emu.clearFaults();
    expect((await converse(identity(emu.url), conversationBody("hi"))).status).toBe(200);
  });

  test("a stream fault on another endpoint is refused when injected", async () => {
    await using emu = await startEmulator();
    expect(() => emu.inject({ endpoint: "files", kind: { type: "cut", afterEvents: 1 } })).toThrow('fault "cut" only applies to endpoint "conversation"');
  });
});

describe("stream faults", () => {
  test("cut: the connection drops after N events with no final event", async () => {
    await using emu = await startEmulator();
    emu.inject({ endpoint: "conversation", kind: { type: "cut", afterEvents: 2 } });
    const response = await converse(identity(emu.url), conversationBody("one two three four five"));
    const { text, failed } = await readAll(response);
    expect([response.status, failed, parseSse(text).length]).toEqual([200, true, 2]);
  });

  test("error-event: a {message:null, error} event follows N events inside a 200 stream", async () => {
    await using emu = await startEmulator();
    emu.inject({ endpoint: "conversation", kind: { type: "error-event", afterEvents: 2, message: "upstream broke" } });
    const response = await converse(identity(emu.url), conversationBody("one two three four five"));
    const events = parseSse(await response.text());
    const last = JSON.parse(events.at(-1)?.data ?? "{}") as Record<string, unknown>;
    expect([response.status, events.length, last.message, last.error, typeof last.conversation_id]).toEqual([200, 3, null, "upstream broke", "string"]);
  });

  test("error-event in v1 comes after the delta_encoding preamble and N events", async () => {
    await using emu = await startEmulator();
    emu.inject({ endpoint: "conversation", kind: { type: "error-event", afterEvents: 1 } });
    const events = parseSse(await (await converse(identity(emu.url), conversationBody("hi", { supported_encodings: ["v1"] }))).text());
    expect([events.length, events[0]?.data, (JSON.parse(events[2]?.data ?? "{}") as { error: unknown }).error]).toEqual([3, '"v1"', "Something went wrong while generating the response."]);
  });

  test("no-in-progress: every assistant message arrives only finished", async () => {
    await using emu = await startEmulator();
    emu.inject({ endpoint: "conversation", kind: { type: "no-in-progress" } });
    const text = await (await converse(identity(emu.url), conversationBody("hello world again"))).text();
    const statuses = parseSse(text).filter((e) => e.data.startsWith('{"message"')).map((e) => (JSON.parse(e.data) as { message: { status: string } }).message.status);
    expect([statuses, decodeLegacy(text).messages.at(-1)?.content]).toEqual([
      ["finished_successfully", "finished_successfully"],
      { content_type: "text", parts: ["You said: hello world again"] },
    ]);
  });

  test("slow: the stream still completes, and the log shows the request", async () => {
    await using emu = await startEmulator();
    emu.inject({ endpoint: "conversation", kind: { type: "slow", delayMs: 5 } });
    const text = await (await converse(identity(emu.url), conversationBody("a b c"))).text();
    expect(decodeLegacy(text).done).toBe(true);
  });

  test("hold: the stream stops after afterEvents answer events until releaseHeld(), then completes", async () => {
    await using emu = await startEmulator();
    emu.inject({ endpoint: "conversation", kind: { type: "hold", afterEvents: 1 } });
    const response = await converse(identity(emu.url), conversationBody("held [[words:6]]", { supported_encodings: ["v1"] }));
    const reader = response.body?.getReader();
    if (!reader) throw new Error("no body");
    const decoder = new TextDecoder();
    let text = "";
    // the preamble and one answer event arrive, then nothing until the release
    while (emu.stats().held === 0 || parseSse(text).length < 2) text += decoder.decode((await reader.read()).value, { stream: true });
    expect(parseSse(text).length).toBe(2);
    expect(emu.releaseHeld()).toBe(1);
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += decoder.decode(r.value, { stream: true });
    const decoded = decodeDeltaV1(text);
    expect([decoded.done, decoded.messages.at(-1)?.content, emu.stats().held]).toEqual([true, { content_type: "text", parts: [wordList(6)] }, 0]);
  });

  test("hold: a client that leaves lets its held stream go", async () => {
    await using emu = await startEmulator();
    emu.inject({ endpoint: "conversation", kind: { type: "hold", afterEvents: 1 } });
    const controller = new AbortController();
    const who = identity(emu.url);
    const response = await fetch(`${who.base}/conversation`, {
      method: "POST",
      headers: { ...who.headers, ...sentinelHeaders(await requirements(who)) },
      body: JSON.stringify(conversationBody("bye")),
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    while (emu.stats().held === 0) await Bun.sleep(5);
    controller.abort();
    while (emu.stats().held > 0) await Bun.sleep(5);
    expect(emu.releaseHeld()).toBe(0);
  });

  test("flood: extra appends of the given size inside the answer text, still a valid v1 stream", async () => {
    await using emu = await startEmulator();
    emu.inject({ endpoint: "conversation", kind: { type: "flood", events: 3, chars: 8 } });
    const response = await converse(identity(emu.url), conversationBody("flood [[words:4]]", { supported_encodings: ["v1"] }));
    const text = await response.text();
    const decoded = decodeDeltaV1(text);
    // the first append ("alpha "), the flood, then the rest of the answer
    expect([decoded.done, decoded.messages.at(-1)?.content]).toEqual([true, { content_type: "text", parts: [`alpha ${"flood fl".repeat(3)}bravo charlie delta`] }]);
    expect(emu.stats().streamedBytes).toBe(Buffer.byteLength(text));
  });

  test("flood refuses a legacy request, and hold/flood refuse bad numbers", async () => {
    await using emu = await startEmulator();
    emu.inject({ endpoint: "conversation", kind: { type: "flood", events: 1, chars: 1 } });
    expect((await converse(identity(emu.url), conversationBody("legacy"))).status).toBe(500);
    expect(() => emu.inject({ endpoint: "conversation", kind: { type: "hold", afterEvents: 0 } })).toThrow(TypeError);
    expect(() => emu.inject({ endpoint: "conversation", kind: { type: "flood", events: 0, chars: 1 } })).toThrow(TypeError);
    expect(() => emu.inject({ endpoint: "requirements", kind: { type: "hold", afterEvents: 1 } })).toThrow(TypeError);
  });
});

describe("usage caps", () => {
  test("a cap answers 429 model_cap_exceeded and keeps refusing that account and model until the clock passes", async () => {
    let clock = 1_800_000_000_000;
    await using emu = await startEmulator({ now: () => clock });
    const a = emu.addAccount({ id: "capped" });
    const b = emu.addAccount({ id: "free-to-go" });
    emu.inject({ endpoint: "conversation", account: "capped", kind: { type: "cap", clearsInSec: 100 } });
    const ask = async (token: string, model: string) => {
      const response = await converse(identity(emu.url, token), conversationBody("hi", { model }));
      return { status: response.status, body: response.status === 429 ? await response.json() : (await response.text(), null) };
    };
    const first = await ask(a.accessToken, "gpt-4o");
    clock += 40_000;
    const stillCapped = await ask(a.accessToken, "gpt-4o");
    const otherModel = await ask(a.accessToken, "o3");
    const otherAccount = await ask(b.accessToken, "gpt-4o");
    clock += 60_000;
    const cleared = await ask(a.accessToken, "gpt-4o");
    const detail = (clearsIn: number) => ({ detail: { message: "You have sent too many messages to the model. Please try again later.", code: "model_cap_exceeded", clears_in: clearsIn } });
    expect([first, stillCapped, otherModel.status, otherAccount.status, cleared.status]).toEqual([{ status: 429, body: detail(100) }, { status: 429, body: detail(60) }, 200, 200, 200]);
  });

  test("a cap naming a model fires only on requests for that model", async () => {
    await using emu = await startEmulator();
    const a = emu.addAccount();
    emu.inject({ endpoint: "conversation", kind: { type: "cap", clearsInSec: 10, model: "o3" } });
    const statuses: number[] = [];
    for (const model of ["gpt-4o", "o3", "o3"]) statuses.push((await converse(identity(emu.url, a.accessToken), conversationBody("hi", { model }))).status);
    expect(statuses).toEqual([200, 429, 429]);
  });
});
