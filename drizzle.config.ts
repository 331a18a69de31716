/** @module drizzle-kit settings: `npx drizzle-kit generate` writes SQLite migrations into drizzle/sqlite/. */
import { defineConfig } from "drizzle-kit";

export const config = defineConfig({
  dialect: "sqlite",
  schema: "./src/store/schema.sqlite.ts",
  out: "./drizzle/sqlite",
});

// drizzle-kit reads the default export; the house rule of named exports yields to the tool here
export default config;
