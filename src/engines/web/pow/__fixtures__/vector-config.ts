/** @module The config of the upstream.md §4.3 test vector, shared by the pow tests and the bench. */
import type { PowConfig } from "../config.ts";

export const VECTOR_SEED = "0.8118613382182117";

export const VECTOR_CONFIG: PowConfig = [
  4000,
  "Mon Jan 06 2025 10:00:00 GMT-0500 (Eastern Standard Time)",
  4294705152,
  0,
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
  "https://cdn.oaistatic.com/_next/static/chunks/main.js",
  "prod-0123456789abcdef",
  "en-US",
  "en-US,es-US,en,es",
  0,
  "webdriver−false",
  "location",
  "onload",
  1234.5,
  "11111111-2222-3333-4444-555555555555",
  "",
  16,
  1736175600123.456,
];
