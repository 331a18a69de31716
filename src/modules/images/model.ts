/**
 * @module TypeBox schema of `POST /v1/images/generations` (spec `CreateImageRequest`): the types of every documented
 * field. What depends on the model (sizes, qualities, `n`, prompt length) is checked by `imageJobOf`.
 */
import { t, type UnwrapSchema } from "elysia";
import { integer, nullable } from "../body-types.ts";

export const ImageGenerationRequest = t.Object(
  {
    prompt: t.String({ minLength: 1, description: "What to draw" }),
    model: nullable(t.String({ description: "gpt-image-1 (default), gpt-4o-image, dall-e-3 or dall-e-2: all are ChatGPT's image generation" })),
    n: nullable(integer({ description: "1 to 4; each image is its own ChatGPT conversation" })),
    size: nullable(t.String({ description: "Passed to ChatGPT as a hint; must be one the model's API accepts" })),
    quality: nullable(t.Union([t.Literal("standard"), t.Literal("hd"), t.Literal("low"), t.Literal("medium"), t.Literal("high"), t.Literal("auto")])),
    style: nullable(t.Union([t.Literal("vivid"), t.Literal("natural")])),
    response_format: nullable(t.Union([t.Literal("url"), t.Literal("b64_json")])),
    background: nullable(t.Union([t.Literal("transparent"), t.Literal("opaque"), t.Literal("auto")])),
    output_format: nullable(t.Union([t.Literal("png"), t.Literal("jpeg"), t.Literal("webp")])),
    output_compression: nullable(integer({ minimum: 0, maximum: 100 })),
    moderation: nullable(t.Union([t.Literal("low"), t.Literal("auto")])),
    stream: nullable(t.Boolean()),
    partial_images: nullable(integer({ minimum: 0, maximum: 3 })),
    user: t.Optional(t.String()),
  },
  { additionalProperties: true },
);

export type ImageGenerationRequest = UnwrapSchema<typeof ImageGenerationRequest>;
