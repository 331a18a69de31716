/**
 * @module The chat service's one call for a request's media, made once before the attempt loop: UPLOAD_BY_URL
 * expansion, then every image and file part fetched or decoded under the configured guards. Its `messages` (not the
 * client's) must be the ones converted and counted afterwards: part keys refer to them.
 */
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { Config } from "../config.ts";
import { expandUploadByUrl } from "../translate/upload-by-url.ts";
import { fetchUserUrl, type FetchUserUrlOptions } from "./fetch-user-url.ts";
import { type LocalAttachment, resolveAttachmentParts } from "./resolve-parts.ts";

export type MediaConfig = Pick<Config, "exportProxyUrl" | "allowPrivateUrls" | "maxFileBytes" | "uploadByUrl">;

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
    fetchUrl: (url, partSignal) =>
      fetchUserUrl(url, {
        ...fetchOptions,
        proxyUrl: config.exportProxyUrl,
        allowPrivate: config.allowPrivateUrls,
        maxBytes: config.maxFileBytes,
        signal: partSignal,
      }),
    ...(signal ? { signal } : {}),
  });
  return { messages: expanded, parts };
}
