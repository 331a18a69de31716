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
import adminApiJs from "./admin-api.js" with { type: "text" };
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
  "admin-api.js": { body: text(adminApiJs), type: "text/javascript; charset=utf-8" },
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

/** Every page's navigation, in order; the page's own link is marked current. */
const NAV: ReadonlyArray<{ href: string; label: string; page?: ConsolePage }> = [
  { href: "/console", label: "Overview", page: "overview" },
  { href: "/", label: "Playground", page: "playground" },
  { href: "/console/accounts", label: "Accounts", page: "accounts" },
  { href: "/console/keys", label: "Client keys", page: "keys" },
  { href: "/console/requests", label: "Requests", page: "requests" },
  { href: "/swagger", label: "API docs" },
  { href: "/v1/models", label: "Models" },
];

/** The header every page starts with (`__HEADER__` in its HTML). */
function header(page: ConsolePage): string {
  const links = NAV.map(({ href, label, page: target }) => `    <a href="__BASE__${href}"${target === page ? ' aria-current="page"' : ""}>${label}</a>`);
  return `<header class="top">\n  <h1>chat2api <span class="muted">__VERSION__</span></h1>\n  <nav>\n${links.join("\n")}\n  </nav>\n</header>`;
}

/** The admin-key card of the management pages (`<!-- admin-key /admin/api/… -->` names the API it is sent to). */
function adminKeyCard(api: string): string {
  return [
    `  <section class="card">`,
    `    <label for="admin-key">Admin key</label>`,
    `    <div class="row"><input id="admin-key" type="password" autocomplete="off" placeholder="ADMIN_KEY (kept in this tab only)"><button id="save-key" type="button">Use key</button></div>`,
    `    <div class="muted">Sent as a bearer to the management API (<code>${api}</code>); stored in sessionStorage, never in the page.</div>`,
    `  </section>`,
  ].join("\n");
}

/** A console page with its shared parts, API_PREFIX (`prefix`, "" or "/p") and the version written in. */
export function consolePage(page: ConsolePage, prefix: string, version: string): () => Response {
  const escaped = version.replace(/[&<>"']/g, "");
  const html = PAGES[page]
    .replace("__HEADER__", header(page))
    .replace(/ {2}<!-- admin-key (\/admin\/api\/[a-z]+) -->/, (_, api: string) => adminKeyCard(api))
    .replaceAll("__BASE__", prefix)
    .replaceAll("__VERSION__", escaped);
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
