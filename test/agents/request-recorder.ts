/**
 * @module A relay on 127.0.0.1 between an agent and chat2api that keeps each request's path and JSON body, for
 * asserting what the agent itself sent (chat2api's own log does not keep request bodies). Answers, streams
 * included, pass through untouched.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

export interface RequestRecorder extends Disposable {
  /** The relay's base URL: use it where the agent would use chat2api's. */
  url: string;
  requests: RecordedRequest[];
}

export function startRequestRecorder(target: string): RequestRecorder {
  const requests: RecordedRequest[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const url = new URL(request.url);
      const text = request.method === "GET" || request.method === "HEAD" ? "" : await request.text();
      let body: unknown = text;
      try {
        body = text === "" ? undefined : JSON.parse(text);
      } catch {
        // not JSON: kept as text
      }
      requests.push({ method: request.method, path: url.pathname, body });
      const headers = new Headers(request.headers);
      headers.delete("host");
      return fetch(`${target}${url.pathname}${url.search}`, { method: request.method, headers, ...(text === "" ? {} : { body: text }) });
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, requests, [Symbol.dispose]: () => void server.stop(true) };
}
