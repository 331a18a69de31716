/** The upload flow (upstream.md §7.1) and how conversations may refer to uploaded files. */
import { describe, expect, test } from "bun:test";
import { randomUUID } from "node:crypto";
import { startEmulator } from "./index.ts";
import { conversationBody, converse, type Identity, identity } from "./test-client.ts";

const BYTES = new TextEncoder().encode("hello, file ✓");

async function createFile(who: Identity, size = BYTES.length, useCase = "my_files"): Promise<{ file_id: string; upload_url: string; status: string }> {
  const response = await fetch(`${who.base}/files`, { method: "POST", headers: who.headers, body: JSON.stringify({ file_name: "notes.txt", file_size: size, use_case: useCase, timezone_offset_min: -60 }) });
  return (await response.json()) as { file_id: string; upload_url: string; status: string };
}

function put(url: string, headers: Record<string, string>, body: Uint8Array<ArrayBuffer> = BYTES): Promise<Response> {
  return fetch(url, { method: "PUT", headers: { "content-type": "text/plain", ...headers }, body });
}

async function uploadFully(who: Identity): Promise<string> {
  const created = await createFile(who);
  await put(created.upload_url, { "x-ms-blob-type": "BlockBlob" });
  await fetch(`${who.base}/files/${created.file_id}/uploaded`, { method: "POST", headers: who.headers, body: "{}" });
  return created.file_id;
}

describe("upload flow", () => {
  test("create → PUT 201 → uploaded → polls reach success on the second → download serves the bytes", async () => {
    await using emu = await startEmulator();
    const who = identity(emu.url, emu.addAccount().accessToken);
    const created = await createFile(who);
    const blob = await put(created.upload_url, { "x-ms-blob-type": "BlockBlob", "x-ms-version": "2020-04-08" });
    const uploaded = (await (await fetch(`${who.base}/files/${created.file_id}/uploaded`, { method: "POST", headers: who.headers, body: "{}" })).json()) as { status: string; download_url: string };
    const polls = [];
    for (let i = 0; i < 3; i++) polls.push(((await (await fetch(`${who.base}/files/${created.file_id}`, { headers: who.headers })).json()) as { retrieval_index_status: string }).retrieval_index_status);
    const download = (await (await fetch(`${who.base}/files/${created.file_id}/download`, { headers: who.headers })).json()) as { download_url: string };
    const content = await fetch(download.download_url);
    expect({
      created: [created.status, created.file_id.startsWith("file-"), created.upload_url.startsWith(`${emu.url}/blob/${created.file_id}?`), created.upload_url.includes("sig=")],
      blob: blob.status,
      uploaded: [uploaded.status, uploaded.download_url.length > 0],
      polls,
      content: [content.headers.get("content-type"), new Uint8Array(await content.arrayBuffer())],
    }).toEqual({
      created: ["success", true, true, true],
      blob: 201,
      uploaded: ["success", true],
      polls: ["processing", "success", "success"],
      content: ["text/plain", BYTES],
    });
  });

  test.each([
    ["without x-ms-blob-type", {}, BYTES, 400],
    ["with an authorization header", { "x-ms-blob-type": "BlockBlob", authorization: "Bearer x" }, BYTES, 400],
    ["with fewer bytes than announced", { "x-ms-blob-type": "BlockBlob" }, BYTES.slice(1), 400],
  ])("a PUT %s is refused", async (_, headers, body, status) => {
    await using emu = await startEmulator();
    const who = identity(emu.url, emu.addAccount().accessToken);
    const created = await createFile(who);
    const response = await put(created.upload_url, headers, body);
    expect([response.status, response.headers.get("content-type")]).toEqual([status, "application/xml"]);
  });

  test("a PUT with a forged signature is 403", async () => {
    await using emu = await startEmulator();
    const who = identity(emu.url, emu.addAccount().accessToken);
    const created = await createFile(who);
    expect((await put(created.upload_url.replace(/sig=[^&]+/, "sig=forged"), { "x-ms-blob-type": "BlockBlob" })).status).toBe(403);
  });

  test("uploaded before the blob arrived is 400", async () => {
    await using emu = await startEmulator();
    const who = identity(emu.url, emu.addAccount().accessToken);
    const created = await createFile(who);
    expect((await fetch(`${who.base}/files/${created.file_id}/uploaded`, { method: "POST", headers: who.headers, body: "{}" })).status).toBe(400);
  });

  test.each([
    ["an empty file_name", { file_name: "", file_size: 3, use_case: "my_files" }],
    ["a zero file_size", { file_name: "a", file_size: 0, use_case: "my_files" }],
    ["an unknown use_case", { file_name: "a", file_size: 3, use_case: "avatar" }],
  ])("creating a file with %s is 422", async (_, body) => {
    await using emu = await startEmulator();
    const who = identity(emu.url, emu.addAccount().accessToken);
    expect((await fetch(`${who.base}/files`, { method: "POST", headers: who.headers, body: JSON.stringify(body) })).status).toBe(422);
  });

  test("another account cannot see the file", async () => {
    await using emu = await startEmulator();
    const owner = identity(emu.url, emu.addAccount().accessToken);
    const other = identity(emu.url, emu.addAccount().accessToken);
    const fileId = await uploadFully(owner);
    expect((await fetch(`${other.base}/files/${fileId}/download`, { headers: other.headers })).status).toBe(404);
  });
});

describe("files in conversations", () => {
  function withImage(fileId: string): Record<string, unknown> {
    return conversationBody("", {
      messages: [
        {
          id: randomUUID(),
          author: { role: "user" },
          content: { content_type: "multimodal_text", parts: ["what is this?", { content_type: "image_asset_pointer", asset_pointer: `file-service://${fileId}`, size_bytes: BYTES.length, width: 800, height: 600 }] },
          metadata: { attachments: [{ id: fileId, size: BYTES.length, name: "notes.txt", mime_type: "image/png", width: 800, height: 600 }] },
        },
      ],
    });
  }

  test("an uploaded image pointer and attachment are accepted and logged", async () => {
    await using emu = await startEmulator();
    const who = identity(emu.url, emu.addAccount().accessToken);
    const fileId = await uploadFully(who);
    const response = await converse(who, withImage(fileId));
    await response.text();
    const entry = emu.log.at(-1);
    expect([response.status, entry?.imagePointers, entry?.attachments]).toEqual([
      200,
      [{ assetPointer: `file-service://${fileId}`, width: 800, height: 600, sizeBytes: BYTES.length }],
      [{ id: fileId, size: BYTES.length, name: "notes.txt", mime_type: "image/png", width: 800, height: 600 }],
    ]);
  });

  test("a pointer to another account's file is 400", async () => {
    await using emu = await startEmulator();
    const owner = identity(emu.url, emu.addAccount().accessToken);
    const fileId = await uploadFully(owner);
    const other = identity(emu.url, emu.addAccount().accessToken);
    expect((await converse(other, withImage(fileId))).status).toBe(400);
  });

  test("a pointer to a file whose upload never completed is 400", async () => {
    await using emu = await startEmulator();
    const who = identity(emu.url, emu.addAccount().accessToken);
    const created = await createFile(who);
    expect((await converse(who, withImage(created.file_id))).status).toBe(400);
  });

  test("a files fault answers instead of the files endpoint", async () => {
    await using emu = await startEmulator();
    emu.inject({ endpoint: "files", kind: { type: "status", status: 500 } });
    const who = identity(emu.url, emu.addAccount().accessToken);
    expect((await fetch(`${who.base}/files`, { method: "POST", headers: who.headers, body: JSON.stringify({ file_name: "a", file_size: 1, use_case: "my_files" }) })).status).toBe(500);
  });
});
