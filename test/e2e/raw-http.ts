/**
 * @module A bare HTTP/1.1 client on node:net for tests that open hundreds of requests at once: unlike `fetch`, it is
 * not held back by Bun's own cap on concurrent fetches (BUN_CONFIG_MAX_HTTP_REQUESTS) in the test process.
 */
import { connect, type Socket } from "node:net";

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  /** From the write of the request to the response head. */
  headMs: number;
  /** The bytes after the head (chunked framing left in), once the server closes the connection. */
  rest: Promise<Buffer>;
  socket: Socket;
}

/** POSTs `body` as JSON with `connection: close`, so the end of a response is the end of the connection. */
export function rawPost(url: string, path: string, body: unknown, bearer?: string): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  const payload = JSON.stringify(body);
  const head = [
    `POST ${path} HTTP/1.1`,
    `host: ${hostname}:${port}`,
    "content-type: application/json",
    `content-length: ${Buffer.byteLength(payload)}`,
    "connection: close",
    ...(bearer ? [`authorization: Bearer ${bearer}`] : []),
  ].join("\r\n");
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const started = performance.now();
    let buffer = Buffer.alloc(0);
    let answered = false;
    const rest = Promise.withResolvers<Buffer>();
    let bodyStart = 0;
    socket.on("data", (data: Buffer) => {
      buffer = Buffer.concat([buffer, data]);
      if (answered) return;
      const end = buffer.indexOf("\r\n\r\n");
      if (end < 0) return;
      answered = true;
      bodyStart = end + 4;
      const [statusLine = "", ...lines] = buffer.subarray(0, end).toString("latin1").split("\r\n");
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(":");
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(statusLine.split(" ")[1]), headers, headMs: performance.now() - started, rest: rest.promise, socket });
    });
    socket.on("close", () => {
      if (!answered) reject(new Error(`connection closed before a response head: ${buffer.toString("latin1")}`));
      rest.resolve(buffer.subarray(bodyStart));
    });
    socket.on("error", (error) => {
      if (!answered) reject(error);
    });
    socket.write(`${head}\r\n\r\n${payload}`);
  });
}

/** The body once the connection closes, without chunked framing. */
export async function bodyOf(response: RawResponse): Promise<string> {
  const raw = await response.rest;
  if (response.headers["transfer-encoding"] !== "chunked") return raw.toString("utf8");
  const chunks: Buffer[] = [];
  for (let at = 0; at < raw.length; ) {
    const eol = raw.indexOf("\r\n", at);
    const size = Number.parseInt(raw.subarray(at, eol).toString("latin1"), 16);
    if (!(size > 0)) break;
    chunks.push(raw.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(chunks).toString("utf8");
}
