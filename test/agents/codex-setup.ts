/**
 * @module How the Codex CLI tests set the CLI up offline: `$CODEX_HOME/config.toml` with chat2api as its one model
 * provider (the Responses wire API on chat2api's `/v1`, the key from CHAT2API_API_KEY).
 */

/**
 * `$CODEX_HOME/config.toml` serving `model`. The features turned off are the ones that go online at startup (the
 * curated plugin sync tries github.com, api.github.com and chatgpt.com); retries are off so a refusal shows at once.
 */
export function codexConfig(baseUrl: string, model: string): string {
  return `model = "${model}"
model_provider = "chat2api"
approval_policy = "never"
check_for_update_on_startup = false

[features]
plugins = false
remote_plugin = false
apps = false

[analytics]
enabled = false

[feedback]
enabled = false

[model_providers.chat2api]
name = "chat2api"
base_url = "${baseUrl}"
wire_api = "responses"
env_key = "CHAT2API_API_KEY"
request_max_retries = 0
stream_max_retries = 0
`;
}
