/** @module The file endpoints (upstream.md §7, §15 item 21): create, blob PUT, uploaded, poll, and the downloads. */
import type { Caller } from "./accounts.ts";
import type { ConversationStore } from "./conversation-store.ts";
import type { FileStore, StoredFile } from "./file-store.ts";
import { azureError, detail, json, readJsonObject } from "./http.ts";

const USE_CASES = new Set(["multimodal", "my_files", "ace_upload"]);
const MAX_FILE_SIZE = 512 * 1024 * 1024;

export class FileEndpoints {
  constructor(
    private readonly files: FileStore,
    private readonly conversations: ConversationStore,
  ) {}

  /** `POST …/files` → `{file_id, upload_url, status}`. */
  async create(request: Request, caller: Caller): Promise<Response> {
    const body = await readJsonObject(request);
    const { file_name: name, file_size: size, use_case: useCase, timezone_offset_min: offset } = body;
    if (typeof name !== "string" || name.trim() === "") throw detail(422, 'Field "file_name" must be a non-empty string');
    if (typeof size !== "number" || !Number.isInteger(size) || size <= 0) throw detail(422, 'Field "file_size" must be a positive integer');
    if (size > MAX_FILE_SIZE) throw detail(413, "File is too large");
    if (typeof useCase !== "string" || !USE_CASES.has(useCase)) throw detail(422, 'Field "use_case" must be multimodal, my_files or ace_upload');
    if (offset !== undefined && typeof offset !== "number") throw detail(422, 'Field "timezone_offset_min" must be a number');
    const file = this.files.create(caller.id, name, size, useCase);
    return json(200, { file_id: file.id, upload_url: this.files.uploadUrl(file.id), status: "success" });
  }

  /** `PUT /blob/{id}?…sig=…`: the Azure blob, reached without our bearer and with the exact announced size. */
  async putBlob(request: Request, id: string, url: URL): Promise<Response> {
    const file = this.files.get(id);
    if (!file || url.searchParams.get("sig") !== this.files.sign("upload", id)) {
      throw azureError(403, "AuthenticationFailed", "Server failed to authenticate the request. Make sure the signature is correct.");
    }
    if (request.headers.has("authorization")) {
      throw azureError(400, "InvalidAuthenticationInfo", "Authentication information is not given in the correct format.");
    }
    if (request.headers.get("x-ms-blob-type") !== "BlockBlob") {
      throw azureError(400, "MissingRequiredHeader", "An HTTP header that's mandatory for this request is not specified: x-ms-blob-type = BlockBlob.");
    }
    const bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.length !== file.size) {
      throw azureError(400, "InvalidInput", `Body has ${bytes.length} bytes but file_size announced ${file.size}.`);
    }
    file.bytes = bytes;
    file.mimeType = request.headers.get("content-type")?.split(";")[0]?.trim() || "application/octet-stream";
    return new Response(null, { status: 201, headers: { etag: `"0x${id.slice(5, 13)}"`, "x-ms-request-server-encrypted": "true" } });
  }

  /** `POST …/files/{id}/uploaded` → `{status, download_url}` once the blob is there. */
  async uploaded(request: Request, caller: Caller, id: string): Promise<Response> {
    await readJsonObject(request);
    const file = this.owned(caller, id);
    if (!file.bytes) throw detail(400, `File ${id} has not been uploaded to its upload_url yet`);
    file.completed = true;
    return json(200, { status: "success", download_url: this.files.downloadUrl(id), metadata: {} });
  }

  /** `GET …/files/{id}`: retrieval indexing reports success from the second poll on. */
  info(caller: Caller, id: string): Response {
    const file = this.owned(caller, id);
    file.polls++;
    return json(200, {
      file_id: file.id,
      file_name: file.name,
      file_size: file.size,
      use_case: file.useCase,
      upload_status: file.completed ? "success" : "pending",
      retrieval_index_status: file.completed && file.polls >= 2 ? "success" : "processing",
    });
  }

  /** `GET …/files/{id}/download` (uploads and `file-service://` images). */
  download(caller: Caller, id: string): Response {
    const file = this.owned(caller, id);
    if (!file.bytes || !file.completed) throw detail(404, `File ${id} has no content yet`);
    return this.downloadAnswer(file);
  }

  /** `GET …/conversation/{cid}/attachment/{id}/download` (`sediment://` images of that conversation). */
  attachment(caller: Caller, conversationId: string, id: string): Response {
    if (!this.conversations.owned(caller.id, conversationId)) throw detail(404, "Conversation not found");
    const file = this.files.get(id);
    if (!file || file.ownerId !== caller.id || file.conversationId !== conversationId) throw detail(404, `File ${id} not found in this conversation`);
    return this.downloadAnswer(file);
  }

  /** `GET …/conversation/{cid}/interpreter/download?message_id=…&sandbox_path=…`. */
  interpreter(caller: Caller, conversationId: string, url: URL): Response {
    const messageId = url.searchParams.get("message_id");
    const path = url.searchParams.get("sandbox_path");
    if (!messageId || !path) throw detail(422, "Query parameters message_id and sandbox_path are required");
    if (!this.conversations.owned(caller.id, conversationId)) throw detail(404, "Conversation not found");
    const file = this.files.findSandbox(caller.id, conversationId, messageId, path);
    if (!file) throw detail(404, `No sandbox file ${path} in message ${messageId}`);
    return this.downloadAnswer(file);
  }

  /** `GET /files-content/{id}?…sig=…`: the bytes behind a download_url (no bearer, like the real signed links). */
  content(id: string, url: URL): Response {
    const file = this.files.get(id);
    if (!file?.bytes || url.searchParams.get("sig") !== this.files.sign("download", id)) {
      throw azureError(403, "AuthenticationFailed", "Server failed to authenticate the request.");
    }
    return new Response(file.bytes, { status: 200, headers: { "content-type": file.mimeType, "content-length": String(file.bytes.length) } });
  }

  /**
   * 2026's `GET /backend-api/estuary/content?id=…&sig=…` (web-2026.md §7.3): signed like a blob link, yet it still needs
   * the owner's bearer; without it (or with another account's) 403 "File stream access denied.".
   */
  estuary(caller: Caller | null, url: URL): Response {
    const id = url.searchParams.get("id") ?? "";
    const file = this.files.get(id);
    if (!file?.bytes || url.searchParams.get("sig") !== this.files.sign("download", id)) throw detail(404, "Not Found");
    if (file.ownerId !== "anon" && caller?.id !== file.ownerId) throw detail(403, "File stream access denied.");
    return new Response(file.bytes, { status: 200, headers: { "content-type": file.mimeType, "content-length": String(file.bytes.length) } });
  }

  private owned(caller: Caller, id: string): StoredFile {
    const file = this.files.get(id);
    if (!file || file.ownerId !== caller.id) throw detail(404, `File ${id} not found`);
    return file;
  }

  private downloadAnswer(file: StoredFile): Response {
    return json(200, {
      status: "success",
      download_url: this.files.downloadUrl(file.id),
      file_name: file.name,
      file_size_bytes: file.size,
      metadata: {},
    });
  }
}
