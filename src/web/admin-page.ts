/** @module The management page, embedded in the binary as text and served as one self-contained HTML document. */
import page from "./admin-page.html" with { type: "text" };

// Bun types every *.html import as an HTMLBundle; imported `with { type: "text" }` it is the file's text
const html = page as unknown as string;

export function adminPageResponse(): Response {
  return new Response(html, {
    headers: {
      "content-type": "text/html; charset=utf-8",
      // the page holds no secret, but the key typed into it must not leak through a cached copy or a frame
      "cache-control": "no-store",
      "x-frame-options": "DENY",
      "referrer-policy": "no-referrer",
    },
  });
}
