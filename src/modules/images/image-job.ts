/**
 * @module An image request checked against its model's rules (the spec's sizes, qualities, `n` and prompt limits)
 * and turned into what ChatGPT is asked: one conversation per image, the options written into the prompt, since
 * ChatGPT's image tool takes no parameters but what the model reads.
 */
import { InvalidRequestError } from "../../errors.ts";
import type { ImageGenerationRequest } from "./model.ts";

type Family = "gpt-image" | "dall-e-3" | "dall-e-2";

interface FamilyRules {
  sizes: readonly string[];
  qualities: readonly string[];
  maxPromptChars: number;
  maxImages: number;
}

/** chat2api's own cap: each image is a whole ChatGPT conversation on one account. */
export const MAX_IMAGES = 4;

const RULES: Record<Family, FamilyRules> = {
  "gpt-image": { sizes: ["auto", "1024x1024", "1536x1024", "1024x1536"], qualities: ["auto", "low", "medium", "high"], maxPromptChars: 32_000, maxImages: MAX_IMAGES },
  "dall-e-3": { sizes: ["1024x1024", "1792x1024", "1024x1792"], qualities: ["auto", "standard", "hd"], maxPromptChars: 4_000, maxImages: 1 },
  "dall-e-2": { sizes: ["256x256", "512x512", "1024x1024"], qualities: ["auto", "standard"], maxPromptChars: 1_000, maxImages: MAX_IMAGES },
};

const FAMILY_OF: Readonly<Record<string, Family>> = {
  "gpt-image-1": "gpt-image",
  "gpt-image-1-mini": "gpt-image",
  "gpt-image-1.5": "gpt-image",
  "gpt-4o-image": "gpt-image",
  "dall-e-3": "dall-e-3",
  "dall-e-2": "dall-e-2",
};

export const DEFAULT_IMAGE_MODEL = "gpt-image-1";

/** Every name is served by ChatGPT's 4o image generation: an image model name sends the `picture_v2` hint. */
export const UPSTREAM_IMAGE_MODEL = "gpt-4o-image";

export interface ImageJob {
  /** The model the client asked for. */
  model: string;
  /** GPT image models report token usage (spec `ImagesResponse.usage`); DALL·E does not. */
  reportsUsage: boolean;
  /** The user message sent to ChatGPT. */
  prompt: string;
  n: number;
  responseFormat: "b64_json" | "url";
}

function invalid(param: string, message: string): InvalidRequestError {
  return new InvalidRequestError(message, { param, code: "invalid_value" });
}

function quoted(values: readonly string[]): string {
  return values.map((value) => `'${value}'`).join(", ");
}

function orientation(size: string): string {
  const [width, height] = size.split("x").map(Number);
  if (width === height) return "square";
  return (width ?? 0) > (height ?? 0) ? "landscape" : "portrait";
}

const QUALITY_HINTS: Readonly<Record<string, string>> = {
  low: "low detail, quick draft",
  medium: "medium detail",
  high: "high detail",
  standard: "standard detail",
  hd: "high detail, fine textures",
};

const STYLE_HINTS: Readonly<Record<string, string>> = {
  vivid: "vivid: hyper-real and dramatic",
  natural: "natural: realistic, not over-dramatized",
};

/** The options as lines the model reads before the description; `auto` says nothing. */
function settingLines(request: ImageGenerationRequest): string[] {
  const lines: string[] = [];
  if (request.size && request.size !== "auto") lines.push(`Size: ${request.size} (${orientation(request.size)}).`);
  const quality = request.quality ? QUALITY_HINTS[request.quality] : undefined;
  if (quality) lines.push(`Quality: ${quality}.`);
  if (request.style) lines.push(`Style: ${STYLE_HINTS[request.style]}.`);
  if (request.background === "transparent" || request.background === "opaque") lines.push(`Background: ${request.background}.`);
  return lines;
}

export function chatgptPrompt(request: ImageGenerationRequest): string {
  return ["Create one image. Do not ask follow-up questions.", ...settingLines(request), "", `Description: ${request.prompt.trim()}`].join("\n");
}

/** Throws InvalidRequestError naming the field for anything the model's API would refuse. */
export function imageJobOf(request: ImageGenerationRequest): ImageJob {
  const model = request.model ?? DEFAULT_IMAGE_MODEL;
  const family = FAMILY_OF[model];
  if (!family) throw invalid("model", `Invalid value for 'model': '${model}'. Supported values are: ${quoted(Object.keys(FAMILY_OF))}.`);
  const rules = RULES[family];
  if (request.prompt.trim() === "") throw invalid("prompt", "Invalid value for 'prompt': the prompt must not be empty.");
  if (request.prompt.length > rules.maxPromptChars) {
    throw invalid("prompt", `Invalid value for 'prompt': ${model} takes at most ${rules.maxPromptChars} characters, this one has ${request.prompt.length}.`);
  }
  const n = request.n ?? 1;
  if (n < 1 || n > rules.maxImages) {
    const why = rules.maxImages === 1 ? `${model} supports only n=1` : `chat2api generates 1 to ${rules.maxImages} images per request`;
    throw invalid("n", `Invalid value for 'n': ${n}. ${why}.`);
  }
  if (request.size && !rules.sizes.includes(request.size)) {
    throw invalid("size", `Invalid value for 'size': '${request.size}'. Supported values for ${model} are: ${quoted(rules.sizes)}.`);
  }
  if (request.quality && !rules.qualities.includes(request.quality)) {
    throw invalid("quality", `Invalid value for 'quality': '${request.quality}'. Supported values for ${model} are: ${quoted(rules.qualities)}.`);
  }
  if (request.stream) throw invalid("stream", "Streaming image generation is not supported: send 'stream': false or leave it out.");
  return {
    model,
    reportsUsage: family === "gpt-image",
    prompt: chatgptPrompt(request),
    n,
    responseFormat: request.response_format ?? "b64_json",
  };
}
