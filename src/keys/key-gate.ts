/**
 * @module The gate of client keys on the API (`/v1/…`): a request whose bearer is a client key is admitted here,
 * after its body is read and validated and before its handler runs, so the model it asks for is known and a refused
 * request costs nothing upstream. Its concurrency lease is released when its response ends: a stream's when the
 * last byte is read or the client goes away, any other's when it is sent. Other bearers pass untouched.
 */
import { Elysia } from "elysia";
import { bearerOf } from "../modules/request-context.ts";
import type { ClientKeys, KeyTicket } from "./key-store-facade.ts";
import { isClientKeySecret } from "./secret.ts";

/** The secret of a client-key bearer (a `,<team id>` suffix is not part of it), or null for any other bearer. */
export function clientKeyOf(request: Request): string | null {
  const token = bearerOf(request.headers.get("authorization"))?.split(",", 1)[0]?.trim() ?? "";
  return isClientKeySecret(token) ? token : null;
}

function modelOf(body: unknown): string | null {
  if (typeof body !== "object" || body === null || !("model" in body)) return null;
  return typeof body.model === "string" ? body.model : null;
}

/** The body passed through, calling `end` once when it is read to its end, fails, or is cancelled. */
function endingWith(body: ReadableStream<Uint8Array>, end: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let ended = false;
  const once = (): void => {
    if (ended) return;
    ended = true;
    end();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          once();
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        once();
        controller.error(error);
      }
    },
    async cancel(reason) {
      once();
      await reader.cancel(reason);
    },
  });
}

export interface KeyGateOptions {
  keys: ClientKeys;
  prefix: string;
  /** Told of each request the gate refused (over a limit, a model outside the key's list, a revoked key): the request log's. */
  onRefused?: (request: Request, model: string | null, error: unknown) => void;
}

export function keyGate({ keys, prefix, onRefused }: KeyGateOptions) {
  const api = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/v1/`);
  const tickets = new WeakMap<Request, KeyTicket>();
  const release = (request: Request): void => {
    const ticket = tickets.get(request);
    if (!ticket) return;
    tickets.delete(request);
    void keys.release(ticket).catch(() => {});
  };
  return new Elysia({ name: "client-key-gate" })
    .onBeforeHandle({ as: "global" }, async function admitClientKey({ request, body, set }) {
      const secret = clientKeyOf(request);
      if (secret === null || !api.test(new URL(request.url).pathname)) return;
      // reading (models, files) needs a valid key but is not a request against its limits
      if (request.method === "GET" || request.method === "HEAD") {
        await keys.verify(secret);
        return;
      }
      const ticket = await keys.admit(secret, modelOf(body)).catch((error: unknown) => {
        onRefused?.(request, modelOf(body), error);
        throw error;
      });
      tickets.set(request, ticket);
      Object.assign(set.headers, ticket.headers);
    })
    .mapResponse({ as: "global" }, function releaseWithBody({ request, response }) {
      const ticket = tickets.get(request);
      if (!ticket || ticket.leaseId === null || !(response instanceof Response) || !response.body) return;
      tickets.delete(request);
      const body = endingWith(response.body, () => void keys.release(ticket).catch(() => {}));
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    })
    .onAfterResponse({ as: "global" }, function releaseAtEnd({ request }) {
      release(request);
    });
}
