/**
 * @module Download URLs for what a reply points at (upstream.md §7.2): DALL·E and uploaded images
 * (`file-service://`), 4o image generation (`sediment://`), code-interpreter files (`sandbox:/mnt/data/…`).
 * Asked on the attempt's own session: the files belong to that account.
 */
import type { AssetRef } from "../translate/render-events.ts";
import { attachmentDownloadUrl, fileDownloadUrl, sandboxDownloadUrl } from "../engines/web/files.ts";
import type { UpstreamSession } from "../engines/web/session.ts";

export async function resolveAssetUrl(session: UpstreamSession, ref: AssetRef, signal?: AbortSignal): Promise<string | null> {
  try {
    switch (ref.kind) {
      case "file-service":
        return await fileDownloadUrl(session, ref.id, signal);
      case "sediment":
        return ref.conversationId ? await attachmentDownloadUrl(session, ref.conversationId, ref.id, signal) : null;
      case "sandbox":
        return ref.conversationId ? await sandboxDownloadUrl(session, ref.conversationId, ref.messageId, ref.id, signal) : null;
      default: {
        const _exhaustiveCheck: never = ref.kind;
        return _exhaustiveCheck;
      }
    }
  } catch {
    // the reply is still worth having without the link; the renderer says the image failed to load
    return null;
  }
}
