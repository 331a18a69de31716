/**
 * @module `POST /v1/images/generations`: validates with the TypeBox model and answers with the service's
 * `ImagesResponse`. Errors are typed and rendered by the app's one error handler.
 */
import { Elysia } from "elysia";
import { InvalidRequestError } from "../../errors.ts";
import { bodyCheck } from "../check-body.ts";
import { jsonRequestBody } from "../openapi-detail.ts";
import { replyContextOf } from "../request-context.ts";
import type { ImageDownloader } from "../../media/download-image.ts";
import type { AssetLinks } from "../../reply/asset-links.ts";
import type { ReplyService } from "../../reply/reply-service.ts";
import { ImageGenerationRequest } from "./model.ts";
import { ImagesService } from "./service.ts";

export interface ImagesModuleDeps {
  replies: Pick<ReplyService, "reply">;
  download: ImageDownloader;
  assets: AssetLinks;
}

export function imagesModule({ replies, download, assets }: ImagesModuleDeps) {
  const service = new ImagesService({ replies, download, assets });
  const checkBody = bodyCheck(ImageGenerationRequest);
  return new Elysia({ name: "images" }).post(
    "/v1/images/generations",
    async ({ body, request, server }) => {
      // the transform below has checked it against the schema
      return service.generate(body as ImageGenerationRequest, replyContextOf(request, null, server));
    },
    {
      transform({ body }) {
        if (body === null || typeof body !== "object" || Array.isArray(body)) {
          throw new InvalidRequestError("The request body must be a JSON object with a 'prompt'.", { code: "invalid_body" });
        }
        checkBody(body);
      },
      detail: {
        requestBody: jsonRequestBody(ImageGenerationRequest),
        tags: ["Images"],
        summary: "Create images",
        description:
          "OpenAI's image generations, drawn by ChatGPT's image generation (every model name maps to it). Each of `n` (1–4) " +
          "images is its own ChatGPT conversation, kept in the account's history because the image's download link needs it. " +
          "`size`, `quality`, `style` and `background` are passed to ChatGPT as part of the prompt. `b64_json` by default; " +
          "`response_format: \"url\"` returns ChatGPT's signed download link, or a link to chat2api's `/v1/assets/{id}` when ChatGPT's needs the account's sign-in.",
      },
    },
  );
}
