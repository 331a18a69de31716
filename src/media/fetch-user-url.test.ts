/**
 * fetchUserUrl against a local server: private addresses (literal, resolved, or reached by a redirect) are refused
 * before any request is made to them unless allowPrivate; size caps hold with and without Content-Length.
 */
import { afterAll, beforeEach, expect, test } from "bun:test";
import { makeTestPng } from "./__fixtures__/sample-files.ts";
import { ByteBudget } from "./byte-budget.ts";
import { fetchUserUrl, type FetchUserUrlOptions, type UrlFetch } from "./fetch-user-url.ts";
import { MediaError } from "./media-error.ts";

const png = makeTestPng(4, 3);
const hits: string[] = [];
const server: Bun.Server<undefined> = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch(request): Response | Promise<Response> {
    const url = new URL(request.url);
    hits.push(url.pathname);
    switch (url.pathname) {
      case "/image.png":
        return new Response(png, { headers: { "content-type": "image/png; charset=binary" } });
      case "/to-loopback":
        return Response.redirect(`http://127.0.0.1:${server.port}/secret`, 302);
      case "/relative":
        return new Response(null, { status: 301, headers: { location: "/image.png" } });
      case "/loop":
        return new Response(null, { status: 307, headers: { location: "/loop" } });
      case "/secret":
        return new Response("internal secret");
      case "/announced-big":
        return new Response("x".repeat(2_000), { headers: { "content-length": "2000" } });
      case "/streamed-big":
        return new Response(
          new ReadableStream({
            pull(controller) {
              controller.enqueue(new Uint8Array(600));
            },
          }),
        );
      case "/host":
        return new Response(request.headers.get("host"));
      case "/hang":
        return new Promise<Response>(() => {});
      default:
        return new Response("not here", { status: 404 });
    }
  },
});
const origin = `http://127.0.0.1:${server.port}`;

afterAll(() => server.stop(true));
beforeEach(() => {
  hits.length = 0;
});

/** Sends every request to the local server whatever host the URL names, recording what was dialed. */
function loopbackFetch(dialed: Array<{ url: string; host: string | null; proxy?: string }>): UrlFetch {
  return (input, init) => {
    const url = new URL(input);
    const headers = new Headers(init.headers);
    dialed.push({ url: input, host: headers.get("host"), ...(init.proxy ? { proxy: init.proxy } : {}) });
    url.hostname = "127.0.0.1";
    const { proxy: _proxy, ...rest } = init;
    return fetch(url.href, rest);
  };
}

const base: FetchUserUrlOptions = { proxyUrl: null, allowPrivate: false, maxBytes: 1_000 };
const publicLookup = async (host: string): Promise<string[]> => (host === "cdn.test" ? ["8.8.8.8"] : []);

async function failure(promise: Promise<unknown>): Promise<{ reason: string; message: string; status: number | null }> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof MediaError)) throw new Error(`expected a MediaError, got ${String(error)}`);
  return { reason: error.reason, message: error.message, status: error.status };
}

test("an image on an allowed host comes back with its bytes, bare media type and final URL", async () => {
  const fetched = await fetchUserUrl(`${origin}/image.png`, { ...base, allowPrivate: true });
  expect(fetched).toEqual({ bytes: png, mimeType: "image/png", finalUrl: `${origin}/image.png` });
});

test("a literal loopback URL is refused and never requested", async () => {
  expect(await failure(fetchUserUrl(`${origin}/secret`, base))).toEqual({
    reason: "blocked-address",
    message: "the host 127.0.0.1 is a loopback address, which user URLs may not reach (ALLOW_PRIVATE_URLS is off)",
    status: null,
  });
  expect(hits).toEqual([]);
});

test.each([
  ["only loopback", ["127.0.0.1"], "loopback"],
  ["one private among public ones", ["8.8.4.4", "10.0.0.5"], "private"],
  ["the IPv6 metadata address", ["fd00:ec2::254"], "metadata"],
])("a name that resolves to %s is refused before any request", async (_label, addresses, kind) => {
  const dialed: Array<{ url: string; host: string | null }> = [];
  const result = await failure(
    fetchUserUrl(`http://cdn.test:${server.port}/secret`, { ...base, lookup: async () => addresses, fetch: loopbackFetch(dialed) }),
  );
  expect(result).toEqual({
    reason: "blocked-address",
    message: `the host cdn.test resolves to a ${kind} address, which user URLs may not reach (ALLOW_PRIVATE_URLS is off)`,
    status: null,
  });
  expect(dialed).toEqual([]);
});

test("a public host that redirects to 127.0.0.1 is refused and the redirect target is never requested", async () => {
  const dialed: Array<{ url: string; host: string | null }> = [];
  const result = await failure(
    fetchUserUrl(`http://cdn.test:${server.port}/to-loopback`, { ...base, lookup: publicLookup, fetch: loopbackFetch(dialed) }),
  );
  expect(result.reason).toBe("blocked-address");
  // the checked address is the one dialed (no second DNS answer can slip in), the name kept as Host
  expect(dialed).toEqual([{ url: `http://8.8.8.8:${server.port}/to-loopback`, host: `cdn.test:${server.port}` }]);
  expect(hits).toEqual(["/to-loopback"]);
});

test("with allowPrivate the same redirect to 127.0.0.1 is followed", async () => {
  const dialed: Array<{ url: string; host: string | null }> = [];
  const fetched = await fetchUserUrl(`http://cdn.test:${server.port}/to-loopback`, { ...base, allowPrivate: true, fetch: loopbackFetch(dialed) });
  expect(new TextDecoder().decode(fetched.bytes)).toBe("internal secret");
  expect(fetched.finalUrl).toBe(`${origin}/secret`);
  expect(hits).toEqual(["/to-loopback", "/secret"]);
});

test("a pinned request still carries the original name as Host", async () => {
  const fetched = await fetchUserUrl(`http://cdn.test:${server.port}/host`, { ...base, lookup: publicLookup, fetch: loopbackFetch([]) });
  expect(new TextDecoder().decode(fetched.bytes)).toBe(`cdn.test:${server.port}`);
});

test("through EXPORT_PROXY_URL the URL is sent as written, with the proxy, after the same check", async () => {
  const dialed: Array<{ url: string; host: string | null; proxy?: string }> = [];
  await fetchUserUrl(`http://cdn.test:${server.port}/image.png`, {
    ...base,
    proxyUrl: "http://proxy.test:3128",
    lookup: publicLookup,
    fetch: loopbackFetch(dialed),
  });
  expect(dialed).toEqual([{ url: `http://cdn.test:${server.port}/image.png`, host: null, proxy: "http://proxy.test:3128" }]);
});

test("a relative redirect is resolved against the URL that sent it", async () => {
  const fetched = await fetchUserUrl(`${origin}/relative`, { ...base, allowPrivate: true });
  expect(fetched.finalUrl).toBe(`${origin}/image.png`);
  expect(hits).toEqual(["/relative", "/image.png"]);
});

test("more than 5 redirects are refused", async () => {
  expect(await failure(fetchUserUrl(`${origin}/loop`, { ...base, allowPrivate: true }))).toEqual({
    reason: "too-many-redirects",
    message: "the URL redirected more than 5 times",
    status: null,
  });
  expect(hits.length).toBe(6);
});

test("a non-2xx answer is an http-status failure carrying the status", async () => {
  expect(await failure(fetchUserUrl(`${origin}/missing`, { ...base, allowPrivate: true }))).toEqual({
    reason: "http-status",
    message: "fetching the URL failed with HTTP 404",
    status: 404,
  });
});

test("a Content-Length above the cap is refused before the body is read", async () => {
  expect(await failure(fetchUserUrl(`${origin}/announced-big`, { ...base, allowPrivate: true }))).toEqual({
    reason: "too-large",
    message: "the file is larger than the limit of 1000 bytes (the server announced 2000 bytes)",
    status: null,
  });
});

test("an endless body without Content-Length stops at the cap", async () => {
  expect(await failure(fetchUserUrl(`${origin}/streamed-big`, { ...base, allowPrivate: true }))).toEqual({
    reason: "too-large",
    message: "the file is larger than the limit of 1000 bytes",
    status: null,
  });
});

test("the request's byte budget is charged as an endless body streams in, and stops it", async () => {
  const budget = new ByteBudget(1_500);
  budget.charge(1_000);
  expect(await failure(fetchUserUrl(`${origin}/streamed-big`, { ...base, maxBytes: 1_000_000, allowPrivate: true, budget }))).toEqual({
    reason: "over-budget",
    message: "the request's images and files together are larger than the limit of 1500 bytes (MAX_MEDIA_SIZE)",
    status: null,
  });
});

test("a Content-Length over what is left of the budget is refused before the body is read", async () => {
  const budget = new ByteBudget(2_500);
  budget.charge(1_000);
  expect((await failure(fetchUserUrl(`${origin}/announced-big`, { ...base, maxBytes: 1_000_000, allowPrivate: true, budget }))).reason).toBe("over-budget");
  // what the server announced was refused, not charged: a smaller file still fits
  const fetched = await fetchUserUrl(`${origin}/image.png`, { ...base, allowPrivate: true, budget });
  expect(fetched.bytes).toEqual(png);
});

test("a server that never answers hits the deadline", async () => {
  const result = await failure(fetchUserUrl(`${origin}/hang`, { ...base, allowPrivate: true, timeoutMs: 100 }));
  expect(result).toEqual({ reason: "timeout", message: "fetching the URL took longer than 100 ms", status: null });
});

test.each(["file:///etc/passwd", "ftp://example.com/a.png", "gopher://x/", "not a url"])("%s is not fetched", async (url) => {
  expect((await failure(fetchUserUrl(url, { ...base, allowPrivate: true }))).reason).toBe("unsupported-url");
});

test("a name that does not resolve is refused", async () => {
  const lookup = async (): Promise<string[]> => {
    throw new Error("ENOTFOUND");
  };
  expect(await failure(fetchUserUrl("https://nowhere.test/a.png", { ...base, lookup }))).toEqual({
    reason: "unresolvable",
    message: "the host nowhere.test could not be resolved",
    status: null,
  });
});

test("an https URL is dialed at the checked address with the name as TLS server name, so the certificate is still checked", async () => {
  const seen: Array<{ url: string; host: string | null; serverName: string | undefined }> = [];
  const recording: UrlFetch = async (input, init) => {
    seen.push({ url: input, host: new Headers(init.headers).get("host"), serverName: init.tls?.serverName });
    return new Response(png, { headers: { "content-type": "image/png" } });
  };
  await fetchUserUrl("https://cdn.test/a/b.png?x=1", { ...base, lookup: publicLookup, fetch: recording });
  expect(seen).toEqual([{ url: "https://8.8.8.8/a/b.png?x=1", host: "cdn.test", serverName: "cdn.test" }]);
});
