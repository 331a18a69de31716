/**
 * @module Fetches the bytes behind a generated image's download URL (upstream.md §7.2).
 *
 * The URL comes from the upstream, not from a client, so it goes out the way upstream traffic goes: the upstream
 * client's fetch, a PROXY_URL proxy, a browser user agent, and no private-address guard (CHATGPT_BASE_URL may well be
 * a private host). It is not `fetchUserUrl`, whose EXPORT_PROXY_URL and address checks are for client URLs. Download
 * URLs are signed links, so no bearer is sent to a storage host: an account's token must never reach a host we did
 * not choose. A link into the upstream's backend (2026's estuary) gets the session's headers, as the browser sends them.
 */
import type { Config } from "../config.ts";
import { UpstreamFailureError } from "../errors.ts";
import { sniffMime } from "./sniff-mime.ts";
import type { UpstreamClient } from "../engines/web/client.ts";
import { UpstreamError } from "../engines/web/errors.ts";
import { createIdentity } from "../engines/web/identity.ts";
import type { UpstreamSession } from "../engines/web/session.ts";

export interface DownloadedImage {
  bytes: Uint8Array<ArrayBuffer>;
  /** From the bytes themselves: `image/png`, `image/webp`, … (for any other file, else the upstream's declared type) */
  mimeType: string;
}

/** `session`: the generating attempt's, so the download leaves as that account would; a fresh identity without one. */
export type ImageDownloader = (url: string, signal: AbortSignal, session?: UpstreamSession, options?: { anyFile?: boolean }) => Promise<DownloadedImage>;

export interface ImageDownloaderOptions {
  upstream: Pick<UpstreamClient, "session">;
  config: Pick<Config, "userAgents" | "proxyUrls">;
  /** Largest image accepted; default 50 MiB. */
  maxBytes?: number;
  /** One deadline for every hop and the body; default 60 s. */
  timeoutMs?: number;
}

const MAX_REDIRECTS = 3;

function failure(message: string, cause?: unknown): UpstreamFailureError {
  return new UpstreamFailureError(502, `Downloading the generated image failed: ${message}`, { code: "image_download_failed", cause });
}

async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw failure(`it is ${declared} bytes, over the ${maxBytes}-byte limit.`);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array(0);
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    total += read.value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw failure(`it is over the ${maxBytes}-byte limit.`);
    }
    chunks.push(read.value);
  }
  return Buffer.concat(chunks) as unknown as Uint8Array<ArrayBuffer>;
}

function browserHeaders(session: UpstreamSession, sameSite: boolean): Record<string, string> {
  return {
    accept: "image/avif,image/webp,image/png,image/*,*/*;q=0.8",
    referer: `${session.host}/`,
    "user-agent": session.identity.userAgent,
    "sec-fetch-dest": "image",
    "sec-fetch-mode": "no-cors",
    "sec-fetch-site": sameSite ? "same-origin" : "cross-site",
  };
}

/**
 * A link into the upstream's own backend (2026's `/backend-api/estuary/content`, web-2026.md §7.3) still needs the
 * account's bearer; a signed storage link (elsewhere, or outside the backend) must not get it.
 */
export function needsAccountBearer(url: string, session: UpstreamSession): boolean {
  const target = new URL(url);
  return target.origin === new URL(session.host).origin && target.pathname.startsWith("/backend-api/");
}

export function createImageDownloader(options: ImageDownloaderOptions): ImageDownloader {
  const maxBytes = options.maxBytes ?? 50 * 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 60_000;
  return async (url, signal, generatedBy, { anyFile = false } = {}) => {
    const session = generatedBy ?? options.upstream.session(createIdentity({ accessToken: null, teamAccountId: null }, options.config));
    const deadline = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
    let current = url;
    try {
      for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
        const own = needsAccountBearer(current, session);
        const response = await session.request(current, { bareHeaders: !own, headers: browserHeaders(session, own), timeoutMs, signal: deadline });
        const location = response.headers.get("location");
        if (response.status >= 300 && response.status < 400 && location) {
          await response.body?.cancel().catch(() => {});
          current = new URL(location, current).href;
          continue;
        }
        if (!response.ok) {
          await response.body?.cancel().catch(() => {});
          throw failure(`${new URL(current).host} answered HTTP ${response.status}.`);
        }
        const bytes = await readCapped(response, maxBytes);
        const mimeType = sniffMime(bytes);
        // a sandbox file may be anything: its type is the one the upstream declared
        if (anyFile) return { bytes, mimeType: mimeType ?? response.headers.get("content-type")?.split(";")[0]?.trim() ?? "application/octet-stream" };
        if (!mimeType?.startsWith("image/")) throw failure(`${new URL(current).host} did not answer with an image.`);
        return { bytes, mimeType };
      }
    } catch (error) {
      if (signal.aborted) throw error;
      if (error instanceof UpstreamFailureError) throw error;
      const reason = deadline.aborted ? `no answer within ${timeoutMs} ms.` : error instanceof UpstreamError ? error.message : "the connection failed.";
      throw failure(reason, error);
    }
    throw failure(`more than ${MAX_REDIRECTS} redirects.`);
  };
}
