/**
 * @module `GET /v1/assets/{id}`: an image (or a code-interpreter file) chat2api downloaded for a client because the
 * upstream's link needs the account's bearer (src/media/asset-cache.ts). The unguessable id is the capability, so a chat UI can show the image
 * in markdown without sending the API key; the bytes are served as the image they are, never as HTML.
 */
import { Elysia, t } from "elysia";
import { NotFoundError } from "../../errors.ts";
import type { AssetCache } from "../../media/asset-cache.ts";

export function assetsModule({ cache }: { cache: Pick<AssetCache, "get"> }) {
  return new Elysia({ name: "assets" }).get(
    "/v1/assets/:id",
    ({ params }) => {
      const asset = cache.get(params.id);
      if (!asset) throw new NotFoundError("No such asset: it expired, or the server restarted since the link was made.", { param: "id", code: "asset_not_found" });
      return new Response(asset.bytes, {
        headers: {
          "content-type": asset.mimeType,
          "cache-control": "private, max-age=3600",
          "x-content-type-options": "nosniff",
          // a sandbox file may be HTML or a script: only images are shown inline
          ...(asset.mimeType.startsWith("image/") ? {} : { "content-disposition": "attachment" }),
          "content-security-policy": "default-src 'none'",
        },
      });
    },
    {
      params: t.Object({ id: t.String() }),
      detail: { tags: ["Files"], summary: "An image chat2api downloaded from ChatGPT for a reply (its link is the reply's)" },
    },
  );
}
