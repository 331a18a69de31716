import { describe, expect, test } from "bun:test";
import { ApiError } from "../../errors.ts";
import { chatgptPrompt, imageJobOf } from "./image-job.ts";
import type { ImageGenerationRequest } from "./model.ts";

function errorOf(request: ImageGenerationRequest): { status: number; param: string | null; code: string | null } | null {
  try {
    imageJobOf(request);
    return null;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { status: error.status, param: error.param, code: error.code };
  }
}

describe("imageJobOf", () => {
  test("defaults: gpt-image-1, one image, b64_json, usage reported", () => {
    expect(imageJobOf({ prompt: "a fox" })).toEqual({
      model: "gpt-image-1",
      reportsUsage: true,
      prompt: "Create one image. Do not ask follow-up questions.\n\nDescription: a fox",
      n: 1,
      responseFormat: "b64_json",
    });
  });

  test("SDK nulls count as unset", () => {
    expect(imageJobOf({ prompt: "a fox", model: null, n: null, size: null, quality: null, response_format: null })).toEqual(imageJobOf({ prompt: "a fox" }));
  });

  test.each([
    ["gpt-image-1", true],
    ["gpt-4o-image", true],
    ["gpt-image-1-mini", true],
    ["dall-e-3", false],
    ["dall-e-2", false],
  ])("%s is accepted; usage reported: %p", (model, reportsUsage) => {
    expect(imageJobOf({ prompt: "x", model })).toMatchObject({ model, reportsUsage });
  });

  test.each<[string, ImageGenerationRequest, string]>([
    ["blank prompt", { prompt: " \n " }, "prompt"],
    ["prompt over dall-e-2's 1000 characters", { prompt: "x".repeat(1001), model: "dall-e-2" }, "prompt"],
    ["unknown model", { prompt: "x", model: "dall-e-4" }, "model"],
    ["n=5", { prompt: "x", n: 5 }, "n"],
    ["n=0", { prompt: "x", n: 0 }, "n"],
    ["n=2 with dall-e-3", { prompt: "x", model: "dall-e-3", n: 2 }, "n"],
    ["1792x1024 with gpt-image-1", { prompt: "x", size: "1792x1024" }, "size"],
    ["auto size with dall-e-3", { prompt: "x", model: "dall-e-3", size: "auto" }, "size"],
    ["256x256 with dall-e-3", { prompt: "x", model: "dall-e-3", size: "256x256" }, "size"],
    ["hd with dall-e-2", { prompt: "x", model: "dall-e-2", quality: "hd" }, "quality"],
    ["high with dall-e-3", { prompt: "x", model: "dall-e-3", quality: "high" }, "quality"],
    ["stream", { prompt: "x", stream: true }, "stream"],
  ])("%s → 400 naming %s", (_name, request, param) => {
    expect(errorOf(request)).toEqual({ status: 400, param, code: "invalid_value" });
  });

  test.each<[string, ImageGenerationRequest]>([
    ["4 images", { prompt: "x", n: 4 }],
    ["a 1000-character dall-e-2 prompt", { prompt: "x".repeat(1000), model: "dall-e-2" }],
    ["1024x1792 hd for dall-e-3", { prompt: "x", model: "dall-e-3", size: "1024x1792", quality: "hd" }],
    ["256x256 for dall-e-2", { prompt: "x", model: "dall-e-2", size: "256x256" }],
    ["auto everything for gpt-image-1", { prompt: "x", size: "auto", quality: "auto", background: "auto" }],
  ])("%s is accepted", (_name, request) => {
    expect(errorOf(request)).toBeNull();
  });
});

describe("chatgptPrompt", () => {
  test("size with its orientation, quality, style and background precede the description", () => {
    expect(chatgptPrompt({ prompt: "  a lighthouse at dusk ", size: "1024x1536", quality: "high", style: "natural", background: "transparent" })).toBe(
      [
        "Create one image. Do not ask follow-up questions.",
        "Size: 1024x1536 (portrait).",
        "Quality: high detail.",
        "Style: natural: realistic, not over-dramatized.",
        "Background: transparent.",
        "",
        "Description: a lighthouse at dusk",
      ].join("\n"),
    );
  });

  test.each([
    ["1024x1024", "square"],
    ["1536x1024", "landscape"],
    ["1792x1024", "landscape"],
    ["1024x1792", "portrait"],
  ])("%s is described as %s", (size, orientation) => {
    expect(chatgptPrompt({ prompt: "x", size })).toContain(`Size: ${size} (${orientation}).`);
  });

  test("auto settings add nothing", () => {
    expect(chatgptPrompt({ prompt: "x", size: "auto", quality: "auto", background: "auto" })).toBe(chatgptPrompt({ prompt: "x" }));
  });
});
