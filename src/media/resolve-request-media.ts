/**
 * @module The chat service's one call for a request's media, made once before the attempt loop: UPLOAD_BY_URL
 * expansion, then every image and file part fetched or decoded under the configured guards (the count caps checked
 * before any fetch, one byte budget for the whole request). Its `messages` (not the client's) must be the ones
 * converted and counted afterwards: part keys refer to them.
 */
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { Config } from "../config.ts";
import { expandUploadByUrl } from "../translate/upload-by-url.ts";
import type { FetchUserUrlOptions } from "./fetch-user-url.ts";
import { type LocalAttachment, resolveAttachmentParts } from "./resolve-parts.ts";

export type MediaConfig = Pick<
  Config,
  "exportProxyUrl" | "allowPrivateUrls" | "maxFileBytes" | "uploadByUrl" | "maxAttachments" | "maxAttachmentUrls" | "maxMediaBytes"
>;

export interface RequestMedia {
  messages: ChatCompletionMessageParam[];
  parts: LocalAttachment[];
}

export async function resolveRequestMedia(
  messages: readonly ChatCompletionMessageParam[],
  config: MediaConfig,
  options: { signal?: AbortSignal } & Pick<FetchUserUrlOptions, "fetch" | "lookup" | "timeoutMs"> = {},
): Promise<RequestMedia> {
  const expanded = config.uploadByUrl ? expandUploadByUrl(messages) : [...messages];
  const { signal, ...fetchOptions } = options;
  const parts = await resolveAttachmentParts(expanded, {
    maxBytes: config.maxFileBytes,
    maxParts: config.maxAttachments,
    maxUrls: config.maxAttachmentUrls,
    maxTotalBytes: config.maxMediaBytes,
    fetchUrl: async (url, partSignal, budget) => {
      // loaded by the first request with a URL to fetch: its node:net and node:dns take ~10 ms of every start
      const { fetchUserUrl } = await import("./fetch-user-url.ts");
      return fetchUserUrl(url, {
        ...fetchOptions,
        proxyUrl: config.exportProxyUrl,
        allowPrivate: config.allowPrivateUrls,
        maxBytes: config.maxFileBytes,
        signal: partSignal,
        ...(budget ? { budget } : {}),
      });
    },
    ...(signal ? { signal } : {}),
  });
  return { messages: expanded, parts };
}
