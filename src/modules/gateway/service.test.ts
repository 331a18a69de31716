import { describe, expect, test } from "bun:test";
import { ApiError, UpstreamFailureError } from "../../errors.ts";
import { createLogger } from "../../logger.ts";
import type { FetchLike } from "../../engines/web/session.ts";
import { type GatewayConfig, GatewayService } from "./service.ts";

const token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl";
const config: GatewayConfig = {
  apiPrefix: "secret",
  authorizationKeys: [],
  adminKey: null,
  authKey: null,
  chatgptBaseUrls: ["https://upstream.example"],
  proxyUrls: ["http://u-{}:pw@proxy:8080"],
  maxBodyBytes: 4096,
};

function gateway(fetch: FetchLike, headTimeoutMs?: number): GatewayService {
  const logger = createLogger({ level: "error", format: "json", write: () => {} });
  return new GatewayService({ config, logger, fetch, ...(headTimeoutMs === undefined ? {} : { headTimeoutMs }) });
}

/** A fetch that never answers, only gives up when its signal says so. */
const hanging: FetchLike = (_input, init) =>
  new Promise((_resolve, reject) => init.signal?.addEventListener("abort", () => reject(init.signal?.reason), { once: true }));

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (error: unknown) => error,
  );
}

describe("GatewayService.forward", () => {
  test("a chunked body over MAX_BODY_SIZE is a 413, and the upstream never gets a byte past the limit", async () => {
    let received = 0;
    const service = gateway(async (_url, init) => {
      // reads the body as a real upstream would, until the stream errors
      const reader = (init.body as ReadableStream<Uint8Array>).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        received += value.byteLength;
      }
      return new Response("{}");
    });
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 64 * 1024) return controller.close();
        sent += 1024;
        controller.enqueue(new Uint8Array(1024));
      },
    });
    const request = new Request("http://gw.local/secret/backend-api/conversation", { method: "POST", body, headers: { authorization: `Bearer ${token}` } });
    const error = await failureOf(service.forward(request));
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).toJSON().error.code).toBe("request_too_large");
    expect(received).toBeLessThanOrEqual(config.maxBodyBytes);
  });

  test("the path below API_PREFIX and the query go to the bound host, through the token's proxy, redirects unfollowed", async () => {
    const calls: Array<{ url: string; method: string | undefined; redirect: string | undefined; proxy: string | undefined }> = [];
    const service = gateway(async (url, init) => {
      calls.push({ url, method: init.method, redirect: init.redirect, proxy: init.proxy });
      return new Response("{}", { status: 201 });
    });
    const response = await service.forward(
      new Request("http://gw.local/secret/backend-api/files/a%2Fb?x=1", { method: "PUT", body: "{}", headers: { authorization: `Bearer ${token}` } }),
    );
    expect(response.status).toBe(201);
    const hash = new Bun.CryptoHasher("md5").update(token).digest("hex");
    expect(calls).toEqual([{ url: "https://upstream.example/backend-api/files/a%2Fb?x=1", method: "PUT", redirect: "manual", proxy: `http://u-${hash}:pw@proxy:8080` }]);
  });

  test("no response head in time: 504 naming the host", async () => {
    const error = await failureOf(gateway(hanging, 5).forward(new Request("http://gw.local/secret/backend-anon/models")));
    expect(error).toBeInstanceOf(UpstreamFailureError);
    expect((error as UpstreamFailureError).toJSON().error).toEqual({
      message: "upstream.example did not answer within 0.005 s.",
      type: "upstream_error",
      param: null,
      code: "upstream_timeout",
    });
  });

  test("an unreachable upstream: 502 naming the host, never the caller's token or the proxy's password", async () => {
    const error = await failureOf(
      gateway(async () => {
        throw Object.assign(new Error("Unable to connect to proxy http://u-1:pw@proxy:8080"), { code: "ConnectionRefused" });
      }).forward(new Request("http://gw.local/secret/backend-api/models", { headers: { authorization: `Bearer ${token}` } })),
    );
    expect(error).toBeInstanceOf(UpstreamFailureError);
    expect((error as UpstreamFailureError).status).toBe(502);
    expect((error as UpstreamFailureError).message).toBe("Could not reach upstream.example: ConnectionRefused (Unable to connect to proxy http://proxy:8080).");
  });

  test("a client that leaves before the head arrives cancels the upstream call and is not reported as an upstream failure", async () => {
    const leaving = new AbortController();
    const pending = failureOf(gateway(hanging).forward(new Request("http://gw.local/secret/backend-anon/models", { signal: leaving.signal })));
    leaving.abort(new Error("client left"));
    const error = await pending;
    expect(error).not.toBeInstanceOf(UpstreamFailureError);
    expect((error as Error).message).toBe("client left");
  });
});
