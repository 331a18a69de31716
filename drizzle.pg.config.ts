/** @module drizzle-kit settings for PostgreSQL: `npx drizzle-kit generate --config drizzle.pg.config.ts` writes into drizzle/pg/. */
import { defineConfig } from "drizzle-kit";

export const config = defineConfig({
  dialect: "postgresql",
  schema: "./src/store/schema.pg.ts",
  out: "./drizzle/pg",
});

// drizzle-kit reads the default export; the house rule of named exports yields to the tool here
export default config;
