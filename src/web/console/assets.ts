/**
 * @module The console's files (pages, one stylesheet, browser modules), embedded in the binary as text and served as
 * they are: no build step, no CDN. Pages get API_PREFIX and the version written in, and a CSP that lets them load
 * only this server's scripts and talk only to this server.
 */
import uplotJs from "uplot/dist/uPlot.iife.min.js" with { type: "text" };
import uplotCss from "uplot/dist/uPlot.min.css" with { type: "text" };
import accountsHtml from "./accounts.html" with { type: "text" };
import accountsJs from "./accounts.js" with { type: "text" };
import css from "./console.css" with { type: "text" };
import keysHtml from "./keys.html" with { type: "text" };
import keysJs from "./keys.js" with { type: "text" };
import markdownJs from "./markdown.js" with { type: "text" };
import accountsApiJs from "./accounts-api.js" with { type: "text" };
import accountsCss from "./accounts.css" with { type: "text" };
import overviewCss from "./overview.css" with { type: "text" };
import overviewHtml from "./overview.html" with { type: "text" };
import overviewJs from "./overview.js" with { type: "text" };
import playgroundHtml from "./playground.html" with { type: "text" };
import playgroundJs from "./playground.js" with { type: "text" };
import requestsCss from "./requests.css" with { type: "text" };
import requestsHtml from "./requests.html" with { type: "text" };
import requestsJs from "./requests.js" with { type: "text" };

// Bun types *.html and *.js imports as modules; imported `with { type: "text" }` they are the files' text
const text = (file: unknown): string => file as string;

const ASSETS: Record<string, { body: string; type: string }> = {
  "console.css": { body: css, type: "text/css; charset=utf-8" },
  "markdown.js": { body: text(markdownJs), type: "text/javascript; charset=utf-8" },
  "playground.js": { body: text(playgroundJs), type: "text/javascript; charset=utf-8" },
  "keys.js": { body: text(keysJs), type: "text/javascript; charset=utf-8" },
  "accounts-api.js": { body: text(accountsApiJs), type: "text/javascript; charset=utf-8" },
  "overview.css": { body: overviewCss, type: "text/css; charset=utf-8" },
  "accounts.css": { body: accountsCss, type: "text/css; charset=utf-8" },
  "overview.js": { body: text(overviewJs), type: "text/javascript; charset=utf-8" },
  "accounts.js": { body: text(accountsJs), type: "text/javascript; charset=utf-8" },
  // uPlot (pinned in package.json), its minified build as published: a classic script that defines window.uPlot
  "uplot.js": { body: text(uplotJs), type: "text/javascript; charset=utf-8" },
  "uplot.css": { body: uplotCss, type: "text/css; charset=utf-8" },
  "requests.css": { body: requestsCss, type: "text/css; charset=utf-8" },
  "requests.js": { body: text(requestsJs), type: "text/javascript; charset=utf-8" },
};

const PAGES = { playground: text(playgroundHtml), keys: text(keysHtml), overview: text(overviewHtml), accounts: text(accountsHtml), requests: text(requestsHtml) };
export type ConsolePage = keyof typeof PAGES;

/** Bytes of everything the console sends a browser, for the README. */
export const consoleBundleBytes = [...Object.values(ASSETS).map((a) => a.body), ...Object.values(PAGES)].reduce((n, s) => n + Buffer.byteLength(s), 0);

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  // replies may show images served by chat2api (/v1/assets), pasted ones (data:) or ones the model linked
  "img-src 'self' data: blob: https: http:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** A console page with API_PREFIX (`prefix`, "" or "/p") and the version written in. */
export function consolePage(page: ConsolePage, prefix: string, version: string): () => Response {
  const escaped = version.replace(/[&<>"']/g, "");
  const html = PAGES[page].replaceAll("__BASE__", prefix).replaceAll("__VERSION__", escaped);
  return () =>
    new Response(html, {
      headers: {
        "content-type": "text/html; charset=utf-8",
        // the page holds no secret, but keys typed into it must not leak through a cached copy, a frame or a referrer
        "cache-control": "no-store",
        "content-security-policy": CSP,
        "x-frame-options": "DENY",
        "referrer-policy": "no-referrer",
        "x-content-type-options": "nosniff",
      },
    });
}

/** One of the console's static files, or null. */
export function consoleAsset(name: string): Response | null {
  const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (!asset) return null;
  return new Response(asset.body, {
    headers: { "content-type": asset.type, "cache-control": "no-cache", "x-content-type-options": "nosniff", "referrer-policy": "no-referrer" },
  });
}
