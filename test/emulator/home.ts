/** @module `GET /`: the web app's HTML, with the script URLs and build id chat2api scrapes for its PoW config (§4.7). */
import { html } from "./http.ts";

export const BUILD_ID = "prod-5f1c0e8d2a7b4c39e6f0a1d2b3c4d5e6f7a8b9c0";
const CHUNK_BUILD = "kR4vXq9sT2mPzL7wN3bYc";

/** `extraScripts`: more `<script src>` values (the 2026 page also loads the Sentinel SDK). */
export function homePage(extraScripts: string[] = []): Response {
  const cdn = "https://cdn.oaistatic.com/_next/static";
  const extra = extraScripts.map((src) => `\n<script src="${src}" async=""></script>`).join("");
  return html(
    200,
    `<!DOCTYPE html><html lang="en-US" data-build="${BUILD_ID}" data-seq="1234567"><head><meta charset="utf-8"/>
<title>ChatGPT</title>
<script src="${cdn}/chunks/webpack-3d5a1c2b.js" defer=""></script>
<script src="${cdn}/chunks/c/${CHUNK_BUILD}/_buildManifest.js" defer=""></script>
<script src="${cdn}/chunks/c/${CHUNK_BUILD}/_ssgManifest.js" defer=""></script>
<script src="${cdn}/chunks/pages/_app-9e8d7c6b5a4f3e2d.js" defer=""></script>${extra}
</head><body><div id="__next"></div></body></html>`,
  );
}
