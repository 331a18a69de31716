/**
 * @module TypeBox schema of `POST /v1/images/generations` (spec `CreateImageRequest`): the types of every documented
 * field. What depends on the model (sizes, qualities, `n`, prompt length) is checked by `imageJobOf`.
 */
import { t, type TSchema, type UnwrapSchema } from "elysia";

// SDKs send `null` for parameters a caller left unset
const Nullable = <T extends TSchema>(schema: T) => t.Optional(t.Union([schema, t.Null()]));

export const ImageGenerationRequest = t.Object(
  {
    prompt: t.String({ minLength: 1, description: "What to draw" }),
    model: Nullable(t.String({ description: "gpt-image-1 (default), gpt-4o-image, dall-e-3 or dall-e-2: all are ChatGPT's image generation" })),
    n: Nullable(t.Integer({ description: "1 to 4; each image is its own ChatGPT conversation" })),
    size: Nullable(t.String({ description: "Passed to ChatGPT as a hint; must be one the model's API accepts" })),
    quality: Nullable(t.Union([t.Literal("standard"), t.Literal("hd"), t.Literal("low"), t.Literal("medium"), t.Literal("high"), t.Literal("auto")])),
    style: Nullable(t.Union([t.Literal("vivid"), t.Literal("natural")])),
    response_format: Nullable(t.Union([t.Literal("url"), t.Literal("b64_json")])),
    background: Nullable(t.Union([t.Literal("transparent"), t.Literal("opaque"), t.Literal("auto")])),
    output_format: Nullable(t.Union([t.Literal("png"), t.Literal("jpeg"), t.Literal("webp")])),
    output_compression: Nullable(t.Integer({ minimum: 0, maximum: 100 })),
    moderation: Nullable(t.Union([t.Literal("low"), t.Literal("auto")])),
    stream: Nullable(t.Boolean()),
    partial_images: Nullable(t.Integer({ minimum: 0, maximum: 3 })),
    user: t.Optional(t.String()),
  },
  { additionalProperties: true },
);

export type ImageGenerationRequest = UnwrapSchema<typeof ImageGenerationRequest>;
