/** @module HTTP helpers of the emulator: exact content types, and one error type that becomes a response. */

/** Thrown anywhere in a handler; the router turns it into the response. */
export class HttpError extends Error {
  constructor(
    readonly response: Response,
    message = `HTTP ${response.status}`,
  ) {
    super(message);
  }
}

/** The real backend answers `application/json` without a charset; clients compare it exactly (upstream.md §8.7). */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

/** FastAPI's error shape, `{"detail": …}`. */
export function detail(status: number, value: unknown): HttpError {
  return new HttpError(json(status, { detail: value }), `${status} ${typeof value === "string" ? value : ""}`);
}

export function html(status: number, body: string): Response {
  return new Response(body, { status, headers: { "content-type": "text/html; charset=utf-8" } });
}

/** Azure Blob Storage answers errors in XML. */
export function azureError(status: number, code: string, message: string): HttpError {
  const body = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  return new HttpError(new Response(body, { status, headers: { "content-type": "application/xml" } }), message);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parses a JSON object body; the content type must say JSON, as the browser's does. */
export async function readJsonObject(request: Request): Promise<Record<string, unknown>> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("application/json")) throw detail(400, "Content-Type must be application/json");
  let value: unknown;
  try {
    value = JSON.parse(await request.text());
  } catch {
    throw detail(400, "Request body is not valid JSON");
  }
  if (!isRecord(value)) throw detail(422, "Request body must be a JSON object");
  return value;
}

export function headerRecord(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name.toLowerCase()] = value;
  });
  return out;
}
