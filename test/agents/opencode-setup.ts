/**
 * @module How the opencode tests set opencode up offline: its config with chat2api as the one provider (Chat
 * Completions through the bundled `@ai-sdk/openai-compatible`), the lockfile that stops its plugin install, and the
 * environment that turns off everything it would fetch at startup.
 */

/** `~/.config/opencode/opencode.json`: one provider, chat2api, serving `model`; the key comes from CHAT2API_API_KEY. */
export function opencodeConfig(baseUrl: string, model: string): string {
  return JSON.stringify(
    {
      $schema: "https://opencode.ai/config.json",
      autoupdate: false,
      share: "disabled",
      model: `chat2api/${model}`,
      small_model: `chat2api/${model}`,
      provider: {
        chat2api: {
          npm: "@ai-sdk/openai-compatible",
          name: "chat2api",
          options: { baseURL: baseUrl, apiKey: "{env:CHAT2API_API_KEY}" },
          models: { [model]: { name: `${model} via chat2api`, tool_call: true } },
        },
      },
    },
    null,
    2,
  );
}

/**
 * opencode installs `@opencode-ai/plugin` from the npm registry into each config directory at startup unless the
 * directory already has `node_modules` and a lockfile whose root names it (only the name is compared): these two
 * make that install a no-op.
 */
export const OPENCODE_PLUGIN_LOCK = JSON.stringify({ packages: { "": { dependencies: { "@opencode-ai/plugin": "*" } } } });

/** Startup work that would go online: update checks, the models.dev catalog, default plugins, LSP downloads, sharing. */
export const OPENCODE_OFFLINE_ENV = {
  OPENCODE_DISABLE_AUTOUPDATE: "1",
  OPENCODE_DISABLE_MODELS_FETCH: "1",
  OPENCODE_DISABLE_DEFAULT_PLUGINS: "1",
  OPENCODE_DISABLE_LSP_DOWNLOAD: "1",
  OPENCODE_DISABLE_SHARE: "1",
};
