/**
 * @module The image generations service: each image is one ChatGPT conversation with the image model (at most two
 * at a time), its reply read to the end for the `image` deltas, and the result written as OpenAI's `ImagesResponse`:
 * base64 of the downloaded bytes by default, a download URL when `response_format: "url"` (the upstream's, or one
 * chat2api serves when the upstream's needs the account's bearer).
 */
import type { ImagesResponse } from "openai/resources/images";
import { ApiError, InvalidRequestError, UpstreamFailureError } from "../../errors.ts";
import { mapConcurrent } from "../../media/map-concurrent.ts";
import type { RenderedDelta } from "../../translate/render-events.ts";
import type { UpstreamSession } from "../../engines/web/session.ts";
import type { ReplyContext, ReplyService } from "../../reply/reply-service.ts";
import type { ImageDownloader } from "../../media/download-image.ts";
import type { AssetLinks } from "../../reply/asset-links.ts";
import { type ImageJob, imageJobOf, UPSTREAM_IMAGE_MODEL } from "./image-job.ts";
import type { ImageGenerationRequest } from "./model.ts";

/** Two conversations at once: more would spend an account's image budget in a burst and invite throttling. */
const CONCURRENT_GENERATIONS = 2;

interface GeneratedImage {
  url: string;
  prompt: string | null;
  promptTokens: number;
  /** The session that generated it: the download goes out as that account would (its proxy, its browser). */
  session?: UpstreamSession;
}

export interface ImagesServiceDeps {
  replies: Pick<ReplyService, "reply">;
  download: ImageDownloader;
  /** Links for `response_format: "url"`: the upstream's own when a client can open it, else one chat2api serves. */
  assets?: AssetLinks;
  now?: () => number;
}

/** What ChatGPT said instead of drawing: its refusal, else its text, so the client learns why. */
function noImageError(deltas: readonly RenderedDelta[]): ApiError {
  const refusal = deltas.flatMap((delta) => (delta.type === "refusal" ? [delta.text] : [])).join("");
  const text = deltas.flatMap((delta) => (delta.type === "content" ? [delta.text] : [])).join("").trim();
  const said = refusal || text;
  return new InvalidRequestError(
    said
      ? `ChatGPT did not generate an image. It said: ${said}`
      : "ChatGPT did not generate an image: the request was rejected by its safety system or the model answered without one.",
    { code: "content_policy_violation" },
  );
}

/** The first image of a finished reply, or the error that says why there is none. */
function imageOf(deltas: readonly RenderedDelta[]): { url: string; prompt: string | null } {
  const failed = deltas.find((delta) => delta.type === "failed");
  if (failed) {
    throw new UpstreamFailureError(502, `The upstream failed while generating the image: ${failed.message}. Try again in a moment.`, {
      code: "upstream_stream_failed",
    });
  }
  const image = deltas.find((delta) => delta.type === "image");
  if (!image) throw noImageError(deltas);
  if (!image.url) {
    throw new UpstreamFailureError(502, "ChatGPT generated the image but gave no download URL for it. Try again in a moment.", {
      code: "image_download_failed",
    });
  }
  return { url: image.url, prompt: image.prompt };
}

export class ImagesService {
  private readonly now: () => number;

  constructor(private readonly deps: ImagesServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  async generate(request: ImageGenerationRequest, context: ReplyContext): Promise<ImagesResponse> {
    const job = imageJobOf(request);
    // the first failure ends the request: the other generation in flight is abandoned, not waited for
    const aborter = new AbortController();
    const onAbort = (): void => aborter.abort(context.signal.reason);
    context.signal.addEventListener("abort", onAbort, { once: true });
    const scoped: ReplyContext = { ...context, signal: aborter.signal };
    try {
      const images = await mapConcurrent(Array.from({ length: job.n }), CONCURRENT_GENERATIONS, () =>
        this.generateOne(job, scoped).catch((error: unknown) => {
          aborter.abort(error);
          throw error;
        }),
      );
      return await this.response(job, images, aborter.signal, context.assetBase ?? null);
    } finally {
      context.signal.removeEventListener("abort", onAbort);
    }
  }

  private async generateOne(job: ImageJob, context: ReplyContext): Promise<GeneratedImage> {
    context.signal.throwIfAborted();
    const reply = await this.deps.replies.reply(
      {
        model: UPSTREAM_IMAGE_MODEL,
        messages: [{ role: "user", content: job.prompt }],
        // the image's download URL is scoped to its conversation, which must be kept (upstream.md §7.2)
        historyDisabled: false,
      },
      context,
    );
    const deltas = await Array.fromAsync(reply.deltas as unknown as AsyncIterable<RenderedDelta>);
    return { ...imageOf(deltas), promptTokens: reply.promptTokens, ...(reply.session ? { session: reply.session } : {}) };
  }

  private async response(job: ImageJob, images: readonly GeneratedImage[], signal: AbortSignal, assetBase: string | null): Promise<ImagesResponse> {
    const data = await mapConcurrent(images, CONCURRENT_GENERATIONS, async (image) => {
      const revised = image.prompt ? { revised_prompt: image.prompt } : {};
      if (job.responseFormat === "url") {
        const url = image.session && this.deps.assets ? await this.deps.assets.linkFor(image.url, image.session, assetBase, signal) : image.url;
        return { url, ...revised };
      }
      const { bytes } = await this.deps.download(image.url, signal, image.session);
      return { b64_json: Buffer.from(bytes).toString("base64"), ...revised };
    });
    const body: ImagesResponse = { created: Math.floor(this.now() / 1000), data };
    if (job.reportsUsage) {
      // ChatGPT reports no usage: the prompt is counted as sent once, the image tokens are unknown
      const inputTokens = images[0]?.promptTokens ?? 0;
      body.usage = {
        input_tokens: inputTokens,
        output_tokens: 0,
        total_tokens: inputTokens,
        input_tokens_details: { text_tokens: inputTokens, image_tokens: 0 },
      };
    }
    return body;
  }
}
