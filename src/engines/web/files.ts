/**
 * @module The upstream file flow (upstream.md §7.1 steps 5–8): create the entry, PUT the bytes to blob storage,
 * mark it uploaded, wait for retrieval indexing of documents; and the download look-ups of §7.2.
 */
import type { ResolvedAttachment } from "../../translate/to-upstream-messages.ts";
import { UpstreamError } from "./errors.ts";
import { readErrorResponse } from "./read-error-response.ts";
import type { UpstreamSession } from "./session.ts";
import { BROWSER_TIME_ZONE, browserClock } from "./browser-clock.ts";

export interface UploadInput {
  /**
   * The whole file, not a stream: the entry is created with its `file_size` before the upload URL exists, blob
   * storage's Put Blob wants a Content-Length, and a failover uploads the same bytes to another account. What bounds
   * the memory is the request's media budget (MAX_MEDIA_SIZE) and the upload concurrency.
   */
  bytes: Uint8Array<ArrayBuffer>;
  name: string;
  mimeType: string;
  useCase: "multimodal" | "my_files" | "ace_upload";
  width?: number;
  height?: number;
}

export interface UploadOptions {
  signal?: AbortSignal;
  /** Pause between retrieval-index polls (`my_files`); default 1 000 ms. */
  pollIntervalMs?: number;
  /** Polls before going on without the index; default 30. */
  maxPolls?: number;
  /** Pause before a blob PUT is retried; default 1 000 ms. */
  retryDelayMs?: number;
  /** Blob PUT attempts; default 3. */
  putAttempts?: number;
}

const API_TIMEOUT_MS = 30_000;
const PUT_TIMEOUT_MS = 120_000;

/** Resolves after `ms`; rejects with the signal's reason when it aborts first. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

async function readJson(response: Response): Promise<Record<string, unknown>> {
  const body: unknown = await response.json().catch(() => null);
  return body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

async function createEntry(session: UpstreamSession, file: UploadInput, signal?: AbortSignal): Promise<{ fileId: string; uploadUrl: string }> {
  const response = await session.request("files", {
    json: {
      file_name: file.name,
      file_size: file.bytes.byteLength,
      // what the browser sends (Date#getTimezoneOffset, minutes west) in the zone the fingerprint and body claim
      timezone_offset_min: browserClock(BROWSER_TIME_ZONE, new Date()).offsetMin,
      use_case: file.useCase,
      reset_rate_limits: false,
    },
    timeoutMs: API_TIMEOUT_MS,
    signal,
  });
  if (!response.ok) throw await readErrorResponse(response, "the file upload (create)");
  const body = await readJson(response);
  if (typeof body.file_id !== "string" || typeof body.upload_url !== "string" || !/^https?:\/\//.test(body.upload_url)) {
    throw new UpstreamError("server", "ChatGPT answered the file upload (create) without a file id or upload URL.", { status: response.status });
  }
  return { fileId: body.file_id, uploadUrl: body.upload_url };
}

/** Blob storage takes no bearer and no fingerprint: only what a browser's XHR to another origin carries. */
function blobHeaders(session: UpstreamSession, mimeType: string): Record<string, string> {
  return {
    accept: "application/json, text/plain, */*",
    "content-type": mimeType,
    "x-ms-blob-type": "BlockBlob",
    "x-ms-version": "2020-04-08",
    origin: session.host,
    referer: `${session.host}/`,
    "user-agent": session.identity.userAgent,
    "sec-fetch-dest": "empty",
    "sec-fetch-mode": "cors",
    "sec-fetch-site": "cross-site",
  };
}

async function putBlob(session: UpstreamSession, uploadUrl: string, file: UploadInput, options: UploadOptions): Promise<void> {
  const attempts = options.putAttempts ?? 3;
  let lastError: UpstreamError | null = null;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await pause(options.retryDelayMs ?? 1_000, options.signal);
    try {
      const response = await session.request(uploadUrl, {
        method: "PUT",
        bareHeaders: true,
        headers: blobHeaders(session, file.mimeType),
        body: file.bytes,
        timeoutMs: PUT_TIMEOUT_MS,
        signal: options.signal,
      });
      if (response.status === 201) {
        await response.body?.cancel().catch(() => {});
        return;
      }
      lastError = await readErrorResponse(response, "the file upload (blob PUT)");
      if (response.status < 500) break;
    } catch (error) {
      if (!(error instanceof UpstreamError) || error.kind !== "network") throw error;
      lastError = error;
    }
  }
  throw lastError ?? new UpstreamError("server", "The file upload (blob PUT) failed.");
}

async function markUploaded(session: UpstreamSession, fileId: string, signal?: AbortSignal): Promise<void> {
  const response = await session.request(`files/${encodeURIComponent(fileId)}/uploaded`, { json: {}, timeoutMs: API_TIMEOUT_MS, signal });
  if (!response.ok) throw await readErrorResponse(response, "the file upload (confirm)");
  const body = await readJson(response);
  if (typeof body.download_url !== "string" || body.download_url === "") {
    throw new UpstreamError("server", "ChatGPT did not confirm the uploaded file (no download_url).", { status: response.status });
  }
}

/** Documents are read through the retrieval index; sending the message before it is ready loses them. */
async function awaitRetrievalIndex(session: UpstreamSession, fileId: string, options: UploadOptions): Promise<void> {
  const polls = options.maxPolls ?? 30;
  for (let poll = 0; poll < polls; poll++) {
    if (poll > 0) await pause(options.pollIntervalMs ?? 1_000, options.signal);
    const response = await session.request(`files/${encodeURIComponent(fileId)}`, { timeoutMs: API_TIMEOUT_MS, signal: options.signal });
    // like chat2api, a poll that fails or never sees success goes on: the message may still be answered
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      return;
    }
    if ((await readJson(response)).retrieval_index_status === "success") return;
  }
}

export async function uploadFile(session: UpstreamSession, file: UploadInput, options: UploadOptions = {}): Promise<ResolvedAttachment> {
  const { fileId, uploadUrl } = await createEntry(session, file, options.signal);
  await putBlob(session, uploadUrl, file, options);
  await markUploaded(session, fileId, options.signal);
  if (file.useCase === "my_files") await awaitRetrievalIndex(session, fileId, options);
  const attachment: ResolvedAttachment = { fileId, name: file.name, mimeType: file.mimeType, sizeBytes: file.bytes.byteLength };
  if (file.width !== undefined) attachment.width = file.width;
  if (file.height !== undefined) attachment.height = file.height;
  return attachment;
}

/**
 * One `{"download_url": …}` look-up. Null when the upstream has no URL to give (or cannot be reached): a missing
 * image link must not break the reply it sits in, so the renderer decides what to show instead.
 */
async function lookUpDownloadUrl(session: UpstreamSession, path: string, signal?: AbortSignal): Promise<string | null> {
  try {
    const response = await session.request(path, { timeoutMs: API_TIMEOUT_MS, signal });
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      return null;
    }
    const url = (await readJson(response)).download_url;
    return typeof url === "string" && url !== "" ? url : null;
  } catch (error) {
    if (signal?.aborted) throw error;
    return null;
  }
}

/** `file-service://<fileId>` (uploads, DALL·E). */
export function fileDownloadUrl(session: UpstreamSession, fileId: string, signal?: AbortSignal): Promise<string | null> {
  return lookUpDownloadUrl(session, `files/${encodeURIComponent(fileId)}/download`, signal);
}

/** `sediment://<fileId>` (4o image generation), scoped to its conversation. */
export function attachmentDownloadUrl(session: UpstreamSession, conversationId: string, fileId: string, signal?: AbortSignal): Promise<string | null> {
  return lookUpDownloadUrl(session, `conversation/${encodeURIComponent(conversationId)}/attachment/${encodeURIComponent(fileId)}/download`, signal);
}

/** `sandbox:/mnt/data/…` links of code-interpreter output, scoped to the message that wrote them. */
export function sandboxDownloadUrl(
  session: UpstreamSession,
  conversationId: string,
  messageId: string,
  sandboxPath: string,
  signal?: AbortSignal,
): Promise<string | null> {
  const query = new URLSearchParams({ message_id: messageId, sandbox_path: sandboxPath });
  return lookUpDownloadUrl(session, `conversation/${encodeURIComponent(conversationId)}/interpreter/download?${query}`, signal);
}
