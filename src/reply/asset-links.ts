/**
 * @module Links a client can open for what a reply points at. A signed storage link elsewhere is handed on as it is;
 * a link into the upstream's backend needs the account's bearer (2026's estuary links, web-2026.md §7.3), so the
 * image is downloaded through the attempt's session and served by chat2api (`/v1/assets/{id}`).
 */
import type { UpstreamSession } from "../engines/web/session.ts";
import type { AssetCache } from "../media/asset-cache.ts";
import { type ImageDownloader, needsAccountBearer } from "../media/download-image.ts";

export interface AssetLinks {
  /**
   * `url` as the client should get it. `assetBase` is this server's `…/v1/assets/` as the client reached it; without
   * one (no request to take it from) the upstream's link is handed on.
   */
  linkFor(url: string, session: UpstreamSession, assetBase: string | null, signal: AbortSignal, options?: { anyFile?: boolean }): Promise<string>;
}

export function createAssetLinks({ download, cache }: { download: ImageDownloader; cache: Pick<AssetCache, "put"> }): AssetLinks {
  return {
    async linkFor(url, session, assetBase, signal, options = {}) {
      if (assetBase === null || !needsAccountBearer(url, session)) return url;
      const image = await download(url, signal, session, options);
      return `${assetBase}${cache.put(image)}`;
    },
  };
}
