/** @module The version, from package.json: its own module so `--version` answers without loading the server. */
import packageJson from "../package.json" with { type: "json" };

export const VERSION: string = packageJson.version;
