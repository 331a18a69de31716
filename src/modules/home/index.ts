/**
 * @module `GET /`: a short page for whoever opens the server in a browser — what it is, where the API, its docs and
 * the account page are. chat2api users remember a web UI there; this says plainly what is here instead.
 */
import { Elysia } from "elysia";

function page(prefix: string, version: string): string {
  const base = prefix;
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>chat2api</title>
  <style>
    body { font: 16px/1.5 system-ui, sans-serif; max-width: 44rem; margin: 3rem auto; padding: 0 1rem; color: #1d1d1f; }
    code, pre { background: #f3f3f5; border-radius: 4px; padding: 0.1rem 0.3rem; }
    pre { padding: 0.8rem; overflow-x: auto; }
  </style>
</head>
<body>
  <h1>chat2api <small>${version}</small></h1>
  <p>An OpenAI-compatible API in front of the ChatGPT web app. Point any OpenAI client at
  <code>${base}/v1</code> and use a ChatGPT access token, a refresh token or one of this server's keys as the API key.</p>
  <ul>
    <li><a href="${base}/swagger">API docs (Swagger)</a></li>
    <li><a href="${base}/v1/models">Models</a></li>
    <li><a href="${base}/tokens">Account pool</a> (needs the admin key)</li>
  </ul>
  <pre>curl ${base}/v1/chat/completions -H 'content-type: application/json' \\
  -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}'</pre>
</body>
</html>`;
}

export function homeModule({ prefix, version }: { prefix: string; version: string }) {
  const html = page(prefix, version);
  return new Elysia({ name: "home" }).get(
    "/",
    ({ set }) => {
      set.headers["content-type"] = "text/html; charset=utf-8";
      return html;
    },
    { detail: { hide: true } },
  );
}
