import { describe, expect, test } from "bun:test";
import { UpstreamFailureError } from "../errors.ts";
import type { UpstreamIdentity } from "../engines/web/identity.ts";
import { type FetchLike, UpstreamSession } from "../engines/web/session.ts";
import { createImageDownloader, type ImageDownloaderOptions } from "./download-image.ts";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
const SIGNED = "https://files.example/file_1?se=2026&sig=SECRET";

interface Call {
  url: string;
  headers: Record<string, string>;
  proxy: string | undefined;
}

function downloader(routes: Record<string, () => Response>, options: Partial<ImageDownloaderOptions> = {}) {
  const calls: Call[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, headers: init.headers as Record<string, string>, proxy: init.proxy });
    const route = routes[url];
    if (!route) throw new Error("connection refused");
    return route();
  };
  const session = (identity: UpstreamIdentity) => new UpstreamSession({ host: "https://chat.example", identity, language: "en-US", authKey: "auth-key", fetch });
  const download = createImageDownloader({
    upstream: { session },
    config: { userAgents: ["TestBrowser/1.0"], proxyUrls: ["http://proxy.example:8080"] },
    ...options,
  });
  return { calls, download: (url: string) => download(url, new AbortController().signal) };
}

async function failureOf(promise: Promise<unknown>): Promise<{ status: number; code: string | null; message: string } | null> {
  return promise.then(
    () => null,
    (error: unknown) => {
      if (!(error instanceof UpstreamFailureError)) throw error;
      return { status: error.status, code: error.code, message: error.message };
    },
  );
}

describe("createImageDownloader", () => {
  test("fetches the signed link through a PROXY_URL proxy as a browser would, without bearer, authkey or cookies", async () => {
    const { calls, download } = downloader({ [SIGNED]: () => new Response(PNG, { headers: { "content-type": "application/octet-stream" } }) });
    expect(await download(SIGNED)).toEqual({ bytes: PNG, mimeType: "image/png" });
    expect(calls).toEqual([
      {
        url: SIGNED,
        proxy: "http://proxy.example:8080",
        headers: {
          accept: "image/avif,image/webp,image/png,image/*,*/*;q=0.8",
          referer: "https://chat.example/",
          "user-agent": "TestBrowser/1.0",
          "sec-fetch-dest": "image",
          "sec-fetch-mode": "no-cors",
          "sec-fetch-site": "cross-site",
        },
      },
    ]);
  });

  test("follows a relative redirect to the bytes", async () => {
    const { calls, download } = downloader({
      [SIGNED]: () => new Response(null, { status: 302, headers: { location: "/cdn/file_1.png" } }),
      "https://files.example/cdn/file_1.png": () => new Response(PNG),
    });
    expect((await download(SIGNED)).bytes).toEqual(PNG);
    expect(calls.map((call) => call.url)).toEqual([SIGNED, "https://files.example/cdn/file_1.png"]);
  });

  test.each<[string, Record<string, () => Response>, Partial<ImageDownloaderOptions>, string]>([
    ["an HTTP error", { [SIGNED]: () => new Response("denied", { status: 403 }) }, {}, "files.example answered HTTP 403."],
    ["a body that is not an image", { [SIGNED]: () => new Response("<html></html>", { headers: { "content-type": "image/png" } }) }, {}, "files.example did not answer with an image."],
    ["a declared size over the cap", { [SIGNED]: () => new Response(PNG, { headers: { "content-length": "12" } }) }, { maxBytes: 8 }, "it is 12 bytes, over the 8-byte limit."],
    ["a streamed body over the cap", { [SIGNED]: () => new Response(new Blob([PNG]).stream()) }, { maxBytes: 8 }, "it is over the 8-byte limit."],
    ["an unreachable host", {}, {}, "Could not reach files.example: connection refused."],
    ["endless redirects", { [SIGNED]: () => new Response(null, { status: 302, headers: { location: SIGNED } }) }, {}, "more than 3 redirects."],
  ])("%s is a 502 image_download_failed that does not reveal the signed link", async (_name, routes, options, reason) => {
    const { download } = downloader(routes, options);
    expect(await failureOf(download(SIGNED))).toEqual({
      status: 502,
      code: "image_download_failed",
      message: `Downloading the generated image failed: ${reason}`,
    });
  });

  test("a client that goes away aborts the download with its own reason", async () => {
    const aborter = new AbortController();
    const fetch: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => init.signal?.addEventListener("abort", () => reject(init.signal?.reason), { once: true }));
    const session = (identity: UpstreamIdentity) => new UpstreamSession({ host: "https://chat.example", identity, language: "en-US", authKey: null, fetch });
    const download = createImageDownloader({ upstream: { session }, config: { userAgents: [], proxyUrls: [] } });
    const pending = download(SIGNED, aborter.signal);
    aborter.abort(new Error("client gone"));
    await expect(pending).rejects.toThrow("client gone");
  });
});
