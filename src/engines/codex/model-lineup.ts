/**
 * @module The Codex models chat2api routes to the Codex engine (codex.md §6.2, late 2026): a request for one of
 * these slugs is answered by `/backend-api/codex/responses`; every other name stays with the web engine. Retired
 * slugs are left out on purpose: the backend refuses them, and `gpt-5` names a web model too.
 */
export interface CodexModelEntry {
  slug: string;
  /** Whether the backend takes `input_image` for it. */
  images: boolean;
}

export const CODEX_MODELS: readonly CodexModelEntry[] = [
  { slug: "gpt-6-astra", images: true },
  { slug: "gpt-5.6-sol", images: true },
  { slug: "gpt-5.6-terra", images: true },
  { slug: "gpt-5.6-luna", images: true },
  { slug: "gpt-5.5", images: true },
  { slug: "gpt-5.4", images: true },
  { slug: "gpt-5.4-mini", images: true },
  { slug: "gpt-5.3-codex-spark", images: false },
];

const SLUGS: ReadonlySet<string> = new Set(CODEX_MODELS.map((entry) => entry.slug));

export function isCodexModel(model: string): boolean {
  return SLUGS.has(model);
}
