/**
 * @module Uploads a request's resolved parts to the account of one attempt (uploaded files belong to that account,
 * so a failover uploads again) and returns them keyed for `toUpstreamMessages(messages, { attachments })`.
 */
import { InvalidRequestError } from "../errors.ts";
import { UpstreamError } from "../engines/web/errors.ts";
import { type UploadOptions, uploadFile } from "../engines/web/files.ts";
import type { UpstreamSession } from "../engines/web/session.ts";
import type { ResolvedAttachment } from "../translate/to-upstream-messages.ts";
import { mapConcurrent } from "./map-concurrent.ts";
import type { LocalAttachment } from "./resolve-parts.ts";

export interface PrepareAttachmentsDeps {
  signal?: AbortSignal;
  /** Uploads in flight at once; default 3. */
  concurrency?: number;
  upload?: typeof uploadFile;
  uploadOptions?: Omit<UploadOptions, "signal">;
}

/**
 * Failures the caller caused (the upstream refused the file itself: HTTP 400/413/422) become a 400 naming the part;
 * every other UpstreamError passes through so the attempt loop may fail over to another account.
 */
export async function prepareAttachments(
  parts: readonly LocalAttachment[],
  session: UpstreamSession,
  deps: PrepareAttachmentsDeps = {},
): Promise<Map<string, ResolvedAttachment>> {
  const upload = deps.upload ?? uploadFile;
  const uploaded = await mapConcurrent(parts, deps.concurrency ?? 3, async (part) => {
    try {
      const attachment = await upload(
        session,
        { bytes: part.bytes, name: part.file.name, mimeType: part.file.mimeType, useCase: part.file.useCase, ...dimensionsOf(part) },
        { ...deps.uploadOptions, ...(deps.signal ? { signal: deps.signal } : {}) },
      );
      return [part.key, attachment] as const;
    } catch (error) {
      if (error instanceof UpstreamError && error.kind === "bad-request") {
        throw new InvalidRequestError(`The part ${part.param} could not be uploaded to ChatGPT: ${error.message}.`, { param: part.param, cause: error });
      }
      throw error;
    }
  });
  return new Map(uploaded);
}

function dimensionsOf(part: LocalAttachment): { width?: number; height?: number } {
  const { width, height } = part.file;
  return { ...(width !== undefined ? { width } : {}), ...(height !== undefined ? { height } : {}) };
}

/**
 * The attachments as they will be once uploaded, without a file id: enough to count prompt tokens (§10.3) and to
 * run `toUpstreamMessages` as a check before any account is leased. Never sent upstream.
 */
export function localAttachmentInfo(parts: readonly LocalAttachment[]): Map<string, ResolvedAttachment> {
  return new Map(
    parts.map((part) => [part.key, { fileId: "", name: part.file.name, mimeType: part.file.mimeType, sizeBytes: part.file.sizeBytes, ...dimensionsOf(part) }]),
  );
}
