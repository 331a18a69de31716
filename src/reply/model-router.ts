/**
 * @module Which engine answers a model name. The Codex lineup (model-lineup.ts) and every slug a Codex account's
 * catalog lists go to the Codex engine; the rest stays with the web engine. A name neither table knows waits for
 * the catalogs of accounts not read yet — a name the web table knows never waits on the Codex backend.
 */
import { CODEX_MODELS, isCodexModel } from "../engines/codex/model-lineup.ts";
import type { CodexCatalogs } from "../pool/codex-catalogs.ts";
import { resolveModel } from "../translate/model-names.ts";

export type EngineName = "web" | "codex";

export interface CodexListing {
  slug: string;
  displayName: string;
}

export type CatalogSource = Pick<CodexCatalogs, "learnUnknown" | "hasUnknown" | "servedSlugs" | "listedModels">;

function knownToWeb(name: string): boolean {
  try {
    resolveModel(name);
    return true;
  } catch {
    return false;
  }
}

export class ModelRouter {
  constructor(private readonly catalogs: CatalogSource | null) {}

  async engineFor(model: string): Promise<EngineName> {
    if (isCodexModel(model)) return "codex";
    if (!this.catalogs || knownToWeb(model)) return "web";
    if (await this.catalogs.hasUnknown()) await this.catalogs.learnUnknown();
    return this.catalogs.servedSlugs().has(model) ? "codex" : "web";
  }

  /** What /v1/models lists for the Codex engine: the pool's catalogs once known, the built-in lineup until then. */
  async codexModels(): Promise<CodexListing[]> {
    if (this.catalogs && (await this.catalogs.hasUnknown())) await this.catalogs.learnUnknown();
    const listed = this.catalogs?.listedModels();
    if (!listed) return CODEX_MODELS.map(({ slug }) => ({ slug, displayName: slug }));
    // a name the web table knows stays with the web engine (engineFor), so it is not listed as a Codex one
    return listed.filter(({ slug }) => isCodexModel(slug) || !knownToWeb(slug)).map(({ slug, displayName }) => ({ slug, displayName }));
  }
}
