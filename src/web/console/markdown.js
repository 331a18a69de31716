/**
 * @module A small, safe Markdown renderer for the playground: model output in, HTML out. Every character of the input
 * is escaped; the only markup in the output is what this file writes (paragraphs, headings, lists, quotes, code
 * blocks, inline code, emphasis, links and images). Links and images keep only http(s), same-site paths and
 * data:image URLs, so neither `javascript:` nor an attribute break-out can come through. Streaming-friendly: an
 * unclosed code fence renders as code so far.
 */

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** @param {string} text */
export function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[/** @type {keyof typeof ESCAPES} */ (c)]);
}

const SAFE_LINK = /^(https?:\/\/|mailto:|\/(?!\/)|#)/i;
const SAFE_IMAGE = /^(https?:\/\/|\/(?!\/)|data:image\/(png|jpeg|gif|webp);base64,[a-z0-9+/=]+$)/i;

/**
 * Inline markup of one block's text. Code spans, links and images become placeholders first, so emphasis never
 * reaches inside a URL or a code span; everything else is escaped before any tag is written.
 * @param {string} text
 * @param {boolean} [allowLinks]
 */
function inline(text, allowLinks = true) {
  /** @type {string[]} */
  const held = [];
  const hold = (/** @type {string} */ html) => `\u0000${held.push(html) - 1}\u0000`;
  let out = text.replace(/\u0000/g, "");
  out = out.replace(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g, (_, _ticks, code) => hold(`<code>${escapeHtml(code.trim() || code)}</code>`));
  out = out.replace(/!\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g, (whole, alt, url) =>
    SAFE_IMAGE.test(url) ? hold(`<img src="${escapeHtml(url)}" alt="${escapeHtml(alt)}" loading="lazy">`) : whole,
  );
  if (allowLinks) {
    out = out.replace(/\[([^\]\n]+)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g, (whole, label, url) =>
      SAFE_LINK.test(url) ? hold(`<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${inline(label, false)}</a>`) : whole,
    );
    out = out.replace(/\bhttps?:\/\/[^\s<>"'`\u0000]+[^\s<>"'`\u0000.,;:!?)\]]/g, (url) =>
      hold(`<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(url)}</a>`),
    );
  }
  out = escapeHtml(out)
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, "<strong>$1</strong>")
    .replace(/__(?=\S)([\s\S]*?\S)__/g, "<strong>$1</strong>")
    .replace(/(^|[^*\w])\*(?=\S)([^*]*?\S)\*(?![*\w])/g, "$1<em>$2</em>")
    .replace(/(^|[^_\w])_(?=\S)([^_]*?\S)_(?![_\w])/g, "$1<em>$2</em>")
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, "<del>$1</del>");
  // placeholders may nest (a code span inside a link's label): restore until none is left
  while (/\u0000\d+\u0000/.test(out)) out = out.replace(/\u0000(\d+)\u0000/g, (_, i) => held[Number(i)] ?? "");
  return out;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w+#.-]*)/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const BULLET = /^ {0,3}[-*+]\s+(.*)$/;
const ORDERED = /^ {0,3}(\d{1,9})[.)]\s+(.*)$/;
const QUOTE = /^ {0,3}>\s?(.*)$/;
const RULE = /^ {0,3}([-*_])(\s*\1){2,}\s*$/;

/**
 * @param {string} markdown
 * @returns {string} HTML
 */
export function renderMarkdown(markdown) {
  const lines = String(markdown).replace(/\r\n?/g, "\n").split("\n");
  /** @type {string[]} */
  const html = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? "";
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1] ?? "```";
      const lang = fence[2] ?? "";
      const code = [];
      i++;
      while (i < lines.length && !(lines[i] ?? "").trimStart().startsWith(marker)) code.push(lines[i++]);
      i++;
      const cls = lang ? ` class="language-${escapeHtml(lang)}"` : "";
      html.push(`<pre><code${cls}>${escapeHtml(code.join("\n"))}</code></pre>`);
      continue;
    }
    if (!line.trim()) {
      i++;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      const level = (heading[1] ?? "#").length;
      html.push(`<h${level}>${inline(heading[2] ?? "")}</h${level}>`);
      i++;
      continue;
    }
    if (RULE.test(line)) {
      html.push("<hr>");
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const quoted = [];
      while (i < lines.length && QUOTE.test(lines[i] ?? "")) quoted.push(QUOTE.exec(lines[i++] ?? "")?.[1] ?? "");
      html.push(`<blockquote>${renderMarkdown(quoted.join("\n"))}</blockquote>`);
      continue;
    }
    if (BULLET.test(line) || ORDERED.test(line)) {
      const ordered = !BULLET.test(line);
      const pattern = ordered ? ORDERED : BULLET;
      const start = ordered ? Number(ORDERED.exec(line)?.[1] ?? "1") : 1;
      /** @type {string[]} */
      const items = [];
      while (i < lines.length) {
        const current = lines[i] ?? "";
        const item = pattern.exec(current);
        if (item) {
          items.push(item[ordered ? 2 : 1] ?? "");
        } else if (/^\s{2,}\S/.test(current) && items.length) {
          items[items.length - 1] += `\n${current.trim()}`;
        } else {
          break;
        }
        i++;
      }
      const tag = ordered ? "ol" : "ul";
      const startAttr = ordered && start !== 1 ? ` start="${start}"` : "";
      html.push(`<${tag}${startAttr}>${items.map((item) => `<li>${inline(item).replace(/\n/g, "<br>")}</li>`).join("")}</${tag}>`);
      continue;
    }
    const paragraph = [];
    while (i < lines.length) {
      const current = lines[i] ?? "";
      if (!current.trim() || FENCE.test(current) || HEADING.test(current) || QUOTE.test(current) || BULLET.test(current) || RULE.test(current)) break;
      paragraph.push(current);
      i++;
    }
    html.push(`<p>${inline(paragraph.join("\n")).replace(/\n/g, "<br>")}</p>`);
  }
  return html.join("\n");
}
