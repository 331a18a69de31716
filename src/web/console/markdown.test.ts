/**
 * @module The playground's Markdown renderer against injection: whatever the model writes, the only tags and
 * attributes in the output are the renderer's own, URLs keep only safe schemes, and nothing breaks out of an attribute.
 */
import { describe, expect, test } from "bun:test";

// a variable path: TypeScript types the browser module as text (browser-modules.d.ts); here it runs as the module it is
const path = "./markdown.js";
const { renderMarkdown } = (await import(path)) as { renderMarkdown(markdown: string): string };

const ALLOWED_TAGS = new Set(["p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "code", "strong", "em", "del", "a", "img", "hr"]);
const ALLOWED_ATTRIBUTES = new Set(["href", "target", "rel", "src", "alt", "loading", "class", "start"]);

/** Every tag and attribute the HTML holds, read with a tokenizer that treats quotes as the browser does. */
function markupOf(html: string): { tags: string[]; attributes: Array<[string, string]> } {
  const tags: string[] = [];
  const attributes: Array<[string, string]> = [];
  for (const match of html.matchAll(/<\/?([a-zA-Z][\w-]*)((?:\s+[^\s=>/]+(?:="[^"]*")?)*)\s*\/?>/g)) {
    tags.push((match[1] ?? "").toLowerCase());
    for (const attr of (match[2] ?? "").matchAll(/([^\s=>/]+)(?:="([^"]*)")?/g)) attributes.push([(attr[1] ?? "").toLowerCase(), attr[2] ?? ""]);
  }
  // anything that looks like a tag but did not match the strict form above would be a parser disagreement
  const loose = html.replace(/<\/?([a-zA-Z][\w-]*)((?:\s+[^\s=>/]+(?:="[^"]*")?)*)\s*\/?>/g, "");
  expect(loose).not.toMatch(/<[a-zA-Z/!?]/);
  return { tags, attributes };
}

function expectSafe(html: string): void {
  const { tags, attributes } = markupOf(html);
  for (const tag of tags) expect(ALLOWED_TAGS.has(tag)).toBe(true);
  for (const [name, value] of attributes) {
    expect(ALLOWED_ATTRIBUTES.has(name)).toBe(true);
    if (name === "href" || name === "src") expect(value).toMatch(/^(https?:\/\/|mailto:|\/(?!\/)|#|data:image\/(png|jpeg|gif|webp);base64,)/i);
  }
}

const ATTACKS = [
  "<script>alert(1)</script>",
  '<img src=x onerror="alert(1)">',
  "[click](javascript:alert(1))",
  "[click](JaVaScRiPt:alert(1))",
  "[click](  javascript:alert(1))",
  "[x](java\tscript:alert(1))",
  "![x](javascript:alert(1))",
  "![x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
  '[x](https://a.example/" onmouseover="alert(1))',
  "[x](https://a.example/\"onmouseover=alert(1))",
  '![a" onerror="alert(1)](https://a.example/i.png)',
  "![x](https://a.example/i.png\"onerror=\"alert(1))",
  "[x](//evil.example/)",
  "[x](vbscript:msgbox)",
  "[x](data:text/html,<script>alert(1)</script>)",
  "`<script>`**<b>bold</b>**",
  "```html\n<script>alert(1)</script>\n```",
  "```\n</code></pre><script>alert(1)</script>",
  "> <iframe src=https://evil.example>",
  "- <svg onload=alert(1)>\n- [a](https://ok.example/a_b_c*d*)",
  "# <style>body{display:none}</style>",
  "https://ok.example/\"><script>alert(1)</script>",
  "[**x**](https://ok.example/?a=1&b=<2>)",
  "\u0000 0\u0000 [a](https://x.example) \u00000\u0000",
  "&lt;script&gt; &#x3C;script&#x3E;",
  "<!-- comment --> <![CDATA[ x ]]> <?php ?>",
  "1. <a href=javascript:alert(1)>x</a>\n2. `` a`b ``",
];

describe("renderMarkdown", () => {
  test.each(ATTACKS)("escapes an attempt: %p", (attack) => {
    expectSafe(renderMarkdown(attack));
  });

  test("raw HTML shows as text", () => {
    expect(renderMarkdown("<b>hi</b> & 'q'")).toBe("<p>&lt;b&gt;hi&lt;/b&gt; &amp; &#39;q&#39;</p>");
    expect(renderMarkdown("&lt;")).toBe("<p>&amp;lt;</p>");
  });

  test("unsafe links and images stay as the text they were", () => {
    expect(renderMarkdown("[click](javascript:alert(1))")).toBe("<p>[click](javascript:alert(1))</p>");
    expect(renderMarkdown("![x](data:text/html,hi)")).toBe("<p>![x](data:text/html,hi)</p>");
  });

  test("emphasis never reaches inside a URL", () => {
    expect(renderMarkdown("[a](https://x.example/a_b_c*d*)")).toBe('<p><a href="https://x.example/a_b_c*d*" target="_blank" rel="noopener noreferrer">a</a></p>');
  });

  test("the usual Markdown", () => {
    expect(renderMarkdown("# Title\n\nSome **bold**, *em*, `code` and ~~old~~.\nNext line")).toBe(
      "<h1>Title</h1>\n<p>Some <strong>bold</strong>, <em>em</em>, <code>code</code> and <del>old</del>.<br>Next line</p>",
    );
    expect(renderMarkdown("```ts\nconst a = 1 < 2;\n```")).toBe('<pre><code class="language-ts">const a = 1 &lt; 2;</code></pre>');
    expect(renderMarkdown("- one\n- two\n\n3. three\n4. four")).toBe('<ul><li>one</li><li>two</li></ul>\n<ol start="3"><li>three</li><li>four</li></ol>');
    expect(renderMarkdown("> quoted\n\n---")).toBe("<blockquote><p>quoted</p></blockquote>\n<hr>");
    expect(renderMarkdown("![cat](https://img.example/cat.png) see https://docs.example/page.")).toBe(
      '<p><img src="https://img.example/cat.png" alt="cat" loading="lazy"> see <a href="https://docs.example/page" target="_blank" rel="noopener noreferrer">https://docs.example/page</a>.</p>',
    );
    expect(renderMarkdown("![pic](data:image/png;base64,iVBORw0KGgo=)")).toBe('<p><img src="data:image/png;base64,iVBORw0KGgo=" alt="pic" loading="lazy"></p>');
  });

  test("a code fence still open while streaming renders as code so far", () => {
    expect(renderMarkdown("Here:\n```py\nprint(1)")).toBe('<p>Here:</p>\n<pre><code class="language-py">print(1)</code></pre>');
  });
});
