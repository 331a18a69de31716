/** The §7.1 upload flow and §7.2 look-ups against the strict emulator (blob PUT without bearer, exact size, 201). */
import { afterAll, beforeEach, expect, test } from "bun:test";
import { startEmulator } from "../../../test/emulator/index.ts";
import { makeTestPng, SAMPLE_PDF } from "../../media/__fixtures__/sample-files.ts";
import { UpstreamError } from "./errors.ts";
import { attachmentDownloadUrl, fileDownloadUrl, sandboxDownloadUrl, uploadFile } from "./files.ts";
import { createIdentity } from "./identity.ts";
import { type FetchLike, UpstreamSession } from "./session.ts";
import { BROWSER_TIME_ZONE, browserClock } from "./browser-clock.ts";

const emu = await startEmulator();
const account = emu.addAccount({ plan: "plus" });
afterAll(() => emu.close());
beforeEach(() => emu.reset());

const quick = { pollIntervalMs: 0, retryDelayMs: 0 };

function sessionWith(fetchImpl: FetchLike, host = emu.url): UpstreamSession {
  const identity = createIdentity({ accessToken: account.accessToken, teamAccountId: null }, { userAgents: [], proxyUrls: [] });
  return new UpstreamSession({ host, identity, language: "en-US", authKey: null, fetch: fetchImpl });
}

const session = sessionWith((input, init) => fetch(input, init));

function calls(): string[] {
  return emu.log.map((entry) => `${entry.method} ${entry.path.replace(/file-\w+/, "<id>")} ${entry.status}`);
}

async function failureOf(promise: Promise<unknown>): Promise<{ kind: string; status: number | null }> {
  const error = await promise.then(() => null, (caught: unknown) => caught);
  if (!(error instanceof UpstreamError)) throw new Error(`expected an UpstreamError, got ${String(error)}`);
  return { kind: error.kind, status: error.status };
}

test("an image is created, PUT to blob storage without credentials, confirmed, and not polled", async () => {
  const png = makeTestPng(12, 8);
  const attachment = await uploadFile(session, { bytes: png, name: "a.png", mimeType: "image/png", useCase: "multimodal", width: 12, height: 8 }, quick);
  expect(attachment).toEqual({ fileId: expect.stringMatching(/^file-/), name: "a.png", mimeType: "image/png", sizeBytes: png.byteLength, width: 12, height: 8 });
  expect(calls()).toEqual(["POST /backend-api/files 200", "PUT /blob/<id> 201", "POST /backend-api/files/<id>/uploaded 200"]);
  expect(emu.log[0]?.body).toEqual({
    file_name: "a.png",
    file_size: png.byteLength,
    timezone_offset_min: browserClock(BROWSER_TIME_ZONE, new Date()).offsetMin,
    use_case: "multimodal",
    reset_rate_limits: false,
  });
  const put = emu.log[1]?.headers ?? {};
  expect({ authorization: put.authorization, device: put["oai-device-id"], blobType: put["x-ms-blob-type"], type: put["content-type"] }).toEqual({
    authorization: undefined,
    device: undefined,
    blobType: "BlockBlob",
    type: "image/png",
  });
});

test("the uploaded bytes come back through the file's download URL", async () => {
  const png = makeTestPng(5, 5);
  const { fileId } = await uploadFile(session, { bytes: png, name: "b.png", mimeType: "image/png", useCase: "multimodal" }, quick);
  const url = await fileDownloadUrl(session, fileId);
  if (url === null) throw new Error("no download URL");
  expect(new Uint8Array(await (await fetch(url)).arrayBuffer())).toEqual(png);
});

test("a document is polled until its retrieval index is ready", async () => {
  const attachment = await uploadFile(session, { bytes: SAMPLE_PDF, name: "r.pdf", mimeType: "application/pdf", useCase: "my_files" }, quick);
  expect(attachment).toEqual({ fileId: expect.stringMatching(/^file-/), name: "r.pdf", mimeType: "application/pdf", sizeBytes: SAMPLE_PDF.byteLength });
  expect(calls()).toEqual([
    "POST /backend-api/files 200",
    "PUT /blob/<id> 201",
    "POST /backend-api/files/<id>/uploaded 200",
    "GET /backend-api/files/<id> 200",
    "GET /backend-api/files/<id> 200",
  ]);
});

test("polling gives up after maxPolls and the upload still succeeds", async () => {
  await uploadFile(session, { bytes: SAMPLE_PDF, name: "r.pdf", mimeType: "application/pdf", useCase: "my_files" }, { ...quick, maxPolls: 1 });
  expect(calls().filter((call) => call.startsWith("GET"))).toEqual(["GET /backend-api/files/<id> 200"]);
});

/** Fails the next `count` blob PUTs with the emulator's own 503, injected just before each PUT. */
function failingPuts(count: number): FetchLike {
  let left = count;
  return (input, init) => {
    if (init.method === "PUT" && left-- > 0) emu.inject({ endpoint: "files", kind: { type: "status", status: 503 } });
    return fetch(input, init);
  };
}

test("a blob PUT answered 503 is retried and the upload completes", async () => {
  await uploadFile(sessionWith(failingPuts(2)), { bytes: SAMPLE_PDF, name: "r.pdf", mimeType: "application/pdf", useCase: "ace_upload" }, quick);
  expect(calls()).toEqual([
    "POST /backend-api/files 200",
    "PUT /blob/<id> 503",
    "PUT /blob/<id> 503",
    "PUT /blob/<id> 201",
    "POST /backend-api/files/<id>/uploaded 200",
  ]);
});

test("three failed blob PUTs are a server failure and the file is never confirmed", async () => {
  const upload = uploadFile(sessionWith(failingPuts(3)), { bytes: SAMPLE_PDF, name: "r.pdf", mimeType: "application/pdf", useCase: "ace_upload" }, quick);
  expect(await failureOf(upload)).toEqual({ kind: "server", status: 503 });
  expect(calls().filter((call) => call.includes("uploaded"))).toEqual([]);
});

test("a blob PUT that cannot connect is retried like a 5xx", async () => {
  let failures = 1;
  const flaky: FetchLike = (input, init) => (init.method === "PUT" && failures-- > 0 ? Promise.reject(new Error("ECONNRESET")) : fetch(input, init));
  await uploadFile(sessionWith(flaky), { bytes: SAMPLE_PDF, name: "r.pdf", mimeType: "application/pdf", useCase: "ace_upload" }, quick);
  expect(calls()).toEqual(["POST /backend-api/files 200", "PUT /blob/<id> 201", "POST /backend-api/files/<id>/uploaded 200"]);
});

test.each([
  [422, "bad-request"],
  [413, "bad-request"],
  [401, "unauthorized"],
  [500, "server"],
])("the file entry refused with HTTP %d is an UpstreamError of kind %s", async (status, kind) => {
  emu.inject({ endpoint: "files", kind: { type: "status", status } });
  const upload = uploadFile(session, { bytes: SAMPLE_PDF, name: "r.pdf", mimeType: "application/pdf", useCase: "my_files" }, quick);
  expect(await failureOf(upload)).toEqual({ kind, status });
  expect(calls()).toEqual([`POST /backend-api/files ${status}`]);
});

test("download look-ups of files the account does not have are null", async () => {
  expect(await fileDownloadUrl(session, "file-doesnotexist")).toBeNull();
  expect(await attachmentDownloadUrl(session, "00000000-0000-0000-0000-000000000000", "file_x")).toBeNull();
  expect(await sandboxDownloadUrl(session, "00000000-0000-0000-0000-000000000000", "msg-1", "/mnt/data/x.png")).toBeNull();
});

test.each([
  ["file", (s: UpstreamSession) => fileDownloadUrl(s, "file-abc"), "/backend-api/files/file-abc/download"],
  ["attachment", (s: UpstreamSession) => attachmentDownloadUrl(s, "c-1", "file_00a"), "/backend-api/conversation/c-1/attachment/file_00a/download"],
  [
    "sandbox",
    (s: UpstreamSession) => sandboxDownloadUrl(s, "c-1", "m-2", "/mnt/data/chart 1.png"),
    "/backend-api/conversation/c-1/interpreter/download?message_id=m-2&sandbox_path=%2Fmnt%2Fdata%2Fchart+1.png",
  ],
])("the %s look-up asks the documented path and returns its download_url", async (_name, lookUp, path) => {
  const asked: string[] = [];
  const fake = sessionWith(async (input) => {
    asked.push(input.slice("https://chat.test".length));
    return Response.json({ status: "success", download_url: "https://files.test/signed" });
  }, "https://chat.test");
  expect(await lookUp(fake)).toBe("https://files.test/signed");
  expect(asked).toEqual([path]);
});
