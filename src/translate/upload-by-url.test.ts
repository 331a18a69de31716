import { expect, test } from "bun:test";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { expandUploadByUrl, splitLeadingUrls } from "./upload-by-url.ts";

test.each([
  ["https://a.test/x.png what is this?", ["https://a.test/x.png"], "what is this?"],
  ["https://a.test/1.png  http://b.test/2.pdf\ncompare them", ["https://a.test/1.png", "http://b.test/2.pdf"], "compare them"],
  ["https://a.test/only.png", ["https://a.test/only.png"], ""],
  ["look at https://a.test/x.png", [], "look at https://a.test/x.png"],
  ["httpsomething else", [], "httpsomething else"],
  ["http:// broken", [], "http:// broken"],
  ["  https://a.test/x.png   trailing  ", ["https://a.test/x.png"], "trailing"],
])("%p → urls %p, rest %p", (text, urls, rest) => {
  expect(splitLeadingUrls(text)).toEqual({ urls, rest });
});

test("a user message that starts with URLs becomes text then one image_url part per URL", () => {
  const messages: ChatCompletionMessageParam[] = [
    { role: "system", content: "https://a.test/policy.pdf is our policy" },
    { role: "user", content: "https://a.test/1.png https://a.test/2.pdf compare" },
    { role: "assistant", content: "https://a.test/3.png" },
    { role: "user", content: "no links here" },
  ];
  expect(expandUploadByUrl(messages)).toEqual([
    { role: "system", content: "https://a.test/policy.pdf is our policy" },
    {
      role: "user",
      content: [
        { type: "text", text: "compare" },
        { type: "image_url", image_url: { url: "https://a.test/1.png" } },
        { type: "image_url", image_url: { url: "https://a.test/2.pdf" } },
      ],
    },
    { role: "assistant", content: "https://a.test/3.png" },
    { role: "user", content: "no links here" },
  ]);
});

test("a message that is only a URL gets no empty text part", () => {
  expect(expandUploadByUrl([{ role: "user", content: "https://a.test/1.png" }])).toEqual([
    { role: "user", content: [{ type: "image_url", image_url: { url: "https://a.test/1.png" } }] },
  ]);
});
