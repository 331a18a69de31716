/**
 * @module The request body of every JSON route, read before anything parses it: the size limit on the bytes
 * received (see read-body-bytes.ts), the content type checked (a missing or wrong one is a 415 that names the right
 * one, not a confusing "missing parameter"), the nesting depth measured before JSON.parse, and, for the few routes
 * that take forms (chat2api's `POST /tokens/upload`), multipart and urlencoded bodies. Knows nothing of Elysia.
 */
import { InvalidRequestError, UnsupportedMediaTypeError } from "../errors.ts";
import { jsonNestingExceeds } from "./json-nesting.ts";
import { readBodyBytes } from "./read-body-bytes.ts";

/** Far deeper than any OpenAI request (tool schemas included), far shallower than what hurts the parser. */
export const MAX_JSON_DEPTH = 64;

export interface BodyRules {
  maxBytes: number;
  maxDepth?: number;
  /** Also take multipart/form-data and application/x-www-form-urlencoded (each field's first value). */
  acceptForms?: boolean;
}

type BodyFormat = "json" | "multipart" | "urlencoded";

function mediaTypeOf(header: string | null): string {
  return (header ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

function formatOf(mediaType: string, acceptForms: boolean): BodyFormat | null {
  if (mediaType === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType)) return "json";
  if (!acceptForms) return null;
  if (mediaType === "multipart/form-data") return "multipart";
  if (mediaType === "application/x-www-form-urlencoded") return "urlencoded";
  return null;
}

function firstValues(entries: Iterable<[string, FormDataEntryValue]>): Record<string, FormDataEntryValue> {
  const fields: Record<string, FormDataEntryValue> = {};
  for (const [key, value] of entries) {
    // an own property even for "__proto__": never the prototype
    if (!Object.hasOwn(fields, key)) Object.defineProperty(fields, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return fields;
}

function parseJson(bytes: Uint8Array, maxDepth: number): unknown {
  if (jsonNestingExceeds(bytes, maxDepth)) {
    throw new InvalidRequestError(`The JSON body nests more than ${maxDepth} levels deep; no valid request does. Flatten it.`, {
      code: "json_too_deep",
    });
  }
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new InvalidRequestError("We could not parse the JSON body of your request. Send valid JSON with Content-Type: application/json.", {
      code: "invalid_json",
    });
  }
}

/**
 * Whether the request declares a Content-Length within `maxBytes` (and no other framing): its body then cannot be
 * longer, the HTTP parser reading exactly that many bytes, so it is read whole. A stream reader over a request body
 * costs Bun a 256 KiB buffer per request (bench/RESULTS.md, "Issue 12 on the final tree"); chunked bodies still take
 * it, to count the bytes as they come.
 */
function declaredWithin(request: Request, maxBytes: number): boolean {
  const declared = request.headers.get("content-length");
  if (declared === null || request.headers.has("transfer-encoding") || !/^\d{1,15}$/.test(declared)) return false;
  return Number(declared) <= maxBytes;
}

/**
 * The parsed body, or null when the request has none (an empty body included, whatever its content type, so a bare
 * `curl -X POST` to a route that takes nothing still works).
 */
export async function readJsonBody(request: Request, { maxBytes, maxDepth = MAX_JSON_DEPTH, acceptForms = false }: BodyRules): Promise<unknown> {
  const contentType = request.headers.get("content-type");
  if (!request.body) return null;
  const bytes = declaredWithin(request, maxBytes) ? await request.bytes() : await readBodyBytes(request.body, maxBytes);
  if (bytes.byteLength === 0) return null;
  const mediaType = mediaTypeOf(contentType);
  const format = formatOf(mediaType, acceptForms);
  switch (format) {
    case "json":
      return parseJson(bytes, maxDepth);
    case "urlencoded":
      return firstValues(new URLSearchParams(new TextDecoder().decode(bytes)));
    case "multipart":
      try {
        return firstValues(await new Response(bytes, { headers: { "content-type": contentType ?? "" } }).formData());
      } catch {
        throw new InvalidRequestError("We could not parse the multipart/form-data body of your request.", { code: "invalid_form" });
      }
    case null: {
      const wanted = acceptForms ? "application/json (or a multipart/form-data or urlencoded form)" : "application/json";
      const sent = mediaType ? `Content-Type: ${mediaType.slice(0, 100)}` : "no Content-Type";
      throw new UnsupportedMediaTypeError(`This endpoint takes a JSON body: send it with the header Content-Type: ${wanted}. The request had ${sent}.`);
    }
  }
}
