/**
 * @module The console's size as a browser downloads it: each page with the files it loads, raw and gzipped, read
 * from what the server serves (src/web/console/assets.ts). Run by hand: `bun bench/console-size.ts` (prints a
 * markdown section), `--write` to replace the `## Console bundle` section of bench/RESULTS.md.
 */
import { gzipSync } from "node:zlib";

const dir = new URL("../src/web/console/", import.meta.url).pathname;
const uplot = new URL("../node_modules/uplot/dist/", import.meta.url).pathname;
const files: Record<string, string> = {
  "console.css": `${dir}console.css`,
  "markdown.js": `${dir}markdown.js`,
  "playground.js": `${dir}playground.js`,
  "keys.js": `${dir}keys.js`,
  "admin-api.js": `${dir}admin-api.js`,
  "overview.css": `${dir}overview.css`,
  "overview.js": `${dir}overview.js`,
  "accounts.css": `${dir}accounts.css`,
  "accounts.js": `${dir}accounts.js`,
  "requests.css": `${dir}requests.css`,
  "requests.js": `${dir}requests.js`,
  "uplot.js": `${uplot}uPlot.iife.min.js`,
  "uplot.css": `${uplot}uPlot.min.css`,
};

async function sizes(paths: string[]): Promise<{ raw: number; gzip: number }> {
  let raw = 0;
  let gzip = 0;
  for (const path of paths) {
    const bytes = new Uint8Array(await Bun.file(path).arrayBuffer());
    raw += bytes.byteLength;
    gzip += gzipSync(bytes, { level: 9 }).byteLength;
  }
  return { raw, gzip };
}

/** The files each page loads: its HTML and the `/console/assets/<name>` it names. */
async function pageRow(page: string): Promise<string> {
  const html = await Bun.file(`${dir}${page}.html`).text();
  const loaded = [...html.matchAll(/\/console\/assets\/([\w.-]+)/g)].map((match) => match[1] ?? "");
  const imported = new Set<string>(loaded);
  // module scripts import their neighbours (`./markdown.js`): follow them one level
  for (const name of loaded) {
    const path = files[name];
    if (!path || !name.endsWith(".js")) continue;
    for (const match of (await Bun.file(path).text()).matchAll(/from\s+["']\.\/([\w.-]+\.js)["']/g)) imported.add(match[1] ?? "");
  }
  const paths = [`${dir}${page}.html`, ...[...imported].flatMap((name) => (files[name] ? [files[name]] : []))];
  const { raw, gzip } = await sizes(paths);
  return `| ${page} | ${[...imported].sort().join(", ")} | ${(raw / 1024).toFixed(1)} KiB | ${(gzip / 1024).toFixed(1)} KiB |`;
}

const pages = ["playground", "overview", "accounts", "keys", "requests"];
const rows = await Promise.all(pages.map(pageRow));
const all = await sizes([...pages.map((page) => `${dir}${page}.html`), ...Object.values(files)]);
const section = `## Console bundle

\`bun bench/console-size.ts --write\` — ${new Date().toISOString().slice(0, 10)}. Every file the console serves, embedded
in the binary: ${(all.raw / 1024).toFixed(1)} KiB raw, ${(all.gzip / 1024).toFixed(1)} KiB gzipped (level 9) in all, uPlot included.
Per page, what a browser loads (served uncompressed today):

| page | assets | raw | gzipped |
|---|---|---|---|
${rows.join("\n")}
`;
console.log(section);
if (process.argv.includes("--write")) {
  const path = new URL("./RESULTS.md", import.meta.url).pathname;
  const existing = await Bun.file(path).text();
  const pattern = /^## Console bundle\n[\s\S]*?(?=^## |(?![\s\S]))/m;
  await Bun.write(path, pattern.test(existing) ? existing.replace(pattern, `${section}\n`) : `${existing.trimEnd()}\n\n${section}`);
}
