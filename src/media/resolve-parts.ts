/**
 * @module Turns every image_url and file part of a request into bytes and a description, before anything reaches
 * the upstream: a part that cannot be used is a 400 naming it (`messages[0].content[1]`), never silently dropped.
 * Runs once per request; the uploads (`prepare-attachments.ts`) run per attempt.
 */
import type { ChatCompletionContentPart, ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { InvalidRequestError } from "../errors.ts";
import { partKey } from "../translate/to-upstream-messages.ts";
import { ByteBudget } from "./byte-budget.ts";
import { decodeBase64Strict, decodeDataUrl, isDataUrl } from "./data-url.ts";
import { describeFile, type FileDescription, VISION_MIME_TYPES } from "./describe-file.ts";
import type { FetchedUrl } from "./fetch-user-url.ts";
import { mapConcurrent } from "./map-concurrent.ts";
import { MediaError } from "./media-error.ts";

/** A part's content, ready to upload: `key` is `partKey(messageIndex, partIndex)`. */
export interface LocalAttachment {
  key: string;
  /** `messages[i].content[j]`, for errors. */
  param: string;
  bytes: Uint8Array<ArrayBuffer>;
  file: FileDescription;
}

export interface ResolvePartsOptions {
  /** `fetchUserUrl` bound to the configuration (proxy, private-address policy, size cap), charging `budget`. */
  fetchUrl: (url: string, signal: AbortSignal, budget?: ByteBudget) => Promise<FetchedUrl>;
  /** Largest single image or file (MAX_FILE_SIZE). */
  maxBytes: number;
  /** Image and file parts one request may carry (MAX_ATTACHMENTS); unlimited when absent. */
  maxParts?: number;
  /** Of those, how many may be URLs to fetch (MAX_ATTACHMENT_URLS); unlimited when absent. */
  maxUrls?: number;
  /** All parts' bytes together, fetched or decoded (MAX_MEDIA_SIZE); unlimited when absent. */
  maxTotalBytes?: number;
  /** URL fetches in flight at once; default 4. */
  concurrency?: number;
  signal?: AbortSignal;
  newId?: () => string;
}

type ImagePart = Extract<ChatCompletionContentPart, { type: "image_url" }>;
type FilePart = ChatCompletionContentPart.File;

interface PendingPart {
  key: string;
  param: string;
  label: string;
  load: (signal: AbortSignal, budget?: ByteBudget) => Promise<{ bytes: Uint8Array<ArrayBuffer>; declaredMime: string | null; filename: string | null }>;
}

function fail(param: string, label: string, why: string, cause?: unknown): never {
  throw new InvalidRequestError(`The ${label} part ${param} cannot be used: ${why}.`, { param, cause });
}

function imageLoader(part: ImagePart, param: string, options: ResolvePartsOptions): PendingPart["load"] {
  const url: unknown = (part as { image_url?: { url?: unknown } }).image_url?.url;
  if (typeof url !== "string" || url === "") fail(param, "image_url", "image_url.url must be a non-empty string");
  if (isDataUrl(url)) {
    return async (_signal, budget) => decodeInline(url, null, options.maxBytes, budget);
  }
  if (!/^https?:\/\//i.test(url)) fail(param, "image_url", "image_url.url must be an http(s) URL or a data: URL");
  return async (signal, budget) => {
    const fetched = await options.fetchUrl(url, signal, budget);
    const name = new URL(fetched.finalUrl).pathname.split("/").at(-1) ?? "";
    // a URL's last segment is only a useful file name when it has an extension
    return { bytes: fetched.bytes, declaredMime: fetched.mimeType, filename: /\.[a-z0-9]{1,8}$/i.test(name) ? decodeURIComponentSafe(name) : null };
  };
}

type Loaded = Awaited<ReturnType<PendingPart["load"]>>;

/** A data: URL, or (OpenAI `file_data`) bare base64 whose type only the bytes and the file name can tell. */
function decodeInline(data: string, filename: string | null, maxBytes: number, budget?: ByteBudget): Loaded {
  if (!isDataUrl(data)) return { bytes: decodeBase64Strict(data, maxBytes, budget), declaredMime: null, filename };
  const decoded = decodeDataUrl(data, maxBytes, budget);
  return { bytes: decoded.bytes, declaredMime: decoded.mimeType || null, filename };
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function fileLoader(part: FilePart, param: string, options: ResolvePartsOptions): PendingPart["load"] {
  const file = (part as { file?: { file_data?: unknown; file_id?: unknown; filename?: unknown } }).file ?? {};
  const filename = typeof file.filename === "string" ? file.filename : null;
  if (typeof file.file_data !== "string" || file.file_data === "") {
    const why = file.file_id !== undefined ? "file_id is not supported here, send the content as file.file_data" : "file.file_data must be a non-empty base64 string";
    fail(param, "file", why);
  }
  const data = file.file_data;
  return async (_signal, budget) => decodeInline(data, filename, options.maxBytes, budget);
}

function isRemoteImage(part: unknown): boolean {
  const url: unknown = (part as { image_url?: { url?: unknown } }).image_url?.url;
  return typeof url === "string" && /^https?:\/\//i.test(url);
}

/** MAX_ATTACHMENTS and MAX_ATTACHMENT_URLS: refuses the first part over either line, before anything is fetched. */
function countGuard(options: ResolvePartsOptions): (param: string, remote: boolean) => void {
  const { maxParts = Number.POSITIVE_INFINITY, maxUrls = Number.POSITIVE_INFINITY } = options;
  let parts = 0;
  let urls = 0;
  return (param, remote) => {
    if (++parts > maxParts) {
      throw new InvalidRequestError(
        `Too many images and files: ${param} is number ${parts}, and one request may carry at most ${maxParts} (MAX_ATTACHMENTS).`,
        { param, code: "too_many_attachments" },
      );
    }
    if (remote && ++urls > maxUrls) {
      throw new InvalidRequestError(
        `Too many image URLs: ${param} is URL number ${urls}, and one request may have at most ${maxUrls} fetched (MAX_ATTACHMENT_URLS).`,
        { param, code: "too_many_attachment_urls" },
      );
    }
  };
}

/** Checks every part's type and shape first (no I/O), so a bad part anywhere fails before any fetch starts. */
function collectParts(messages: readonly ChatCompletionMessageParam[], options: ResolvePartsOptions): PendingPart[] {
  const pending: PendingPart[] = [];
  const admit = countGuard(options);
  messages.forEach((message, messageIndex) => {
    if (!Array.isArray(message.content)) return;
    (message.content as readonly unknown[]).forEach((raw, partIndex) => {
      const param = `messages[${messageIndex}].content[${partIndex}]`;
      const type: unknown = raw && typeof raw === "object" ? (raw as { type?: unknown }).type : undefined;
      const key = partKey(messageIndex, partIndex);
      switch (type) {
        case "text":
        case "refusal":
          return;
        case "image_url":
          admit(param, isRemoteImage(raw));
          pending.push({ key, param, label: "image_url", load: imageLoader(raw as ImagePart, param, options) });
          return;
        case "file":
          admit(param, false);
          pending.push({ key, param, label: "file", load: fileLoader(raw as FilePart, param, options) });
          return;
        case "input_audio":
          throw new InvalidRequestError(`Audio input is not supported (${param}): ChatGPT's web backend takes no audio parts.`, { param });
        default:
          throw new InvalidRequestError(
            `Unsupported content part type ${JSON.stringify(type)} (${param}): expected text, image_url or file.`,
            { param },
          );
      }
    });
  });
  return pending;
}

export async function resolveAttachmentParts(
  messages: readonly ChatCompletionMessageParam[],
  options: ResolvePartsOptions,
): Promise<LocalAttachment[]> {
  const pending = collectParts(messages, options);
  if (pending.length === 0) return [];
  const budget = options.maxTotalBytes === undefined ? undefined : new ByteBudget(options.maxTotalBytes);
  // the first bad part ends the request: the fetches still running are of no use any more
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  try {
    return await mapConcurrent(pending, options.concurrency ?? 4, async (part) => {
      try {
        const loaded = await part.load(signal, budget);
        if (loaded.bytes.byteLength === 0) fail(part.param, part.label, "the content is empty");
        const file = describeFile({ ...loaded, ...(options.newId ? { newId: options.newId } : {}) });
        if (file.mimeType.startsWith("image/") && !VISION_MIME_TYPES.has(file.mimeType)) {
          fail(part.param, part.label, `${file.mimeType} images are not accepted by ChatGPT (send PNG, JPEG, GIF or WebP)`);
        }
        return { key: part.key, param: part.param, bytes: loaded.bytes, file };
      } catch (error) {
        if (error instanceof MediaError) fail(part.param, part.label, error.message, error);
        throw error;
      }
    });
  } catch (error) {
    stop.abort(error);
    throw error;
  }
}
