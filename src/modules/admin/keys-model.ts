/** @module TypeBox shapes of the client-key management API (keys.ts), documented in Swagger. */
import { t } from "elysia";
import { integer, queryObject } from "../body-types.ts";

const limit = (description: string) => t.Optional(t.Nullable(integer({ minimum: 1, description: `${description}; null or absent: no limit` })));

const settings = {
  expiresAt: t.Optional(t.Nullable(integer({ minimum: 0, description: "Epoch ms after which the key is refused (401); null: never" }))),
  models: t.Optional(t.Array(t.String({ minLength: 1 }), { maxItems: 500, description: "Model names the key may ask for (others answer 404 model_not_found); empty: every model" })),
  requestsPerMinute: limit("Requests per minute"),
  tokensPerMinute: limit("Prompt and completion tokens per minute (charged when a request ends; a request is admitted while the minute has room)"),
  concurrentRequests: limit("Requests in flight at once"),
  tokensPerDay: limit("Prompt and completion tokens per UTC day"),
};

const name = t.String({ minLength: 1, maxLength: 200, description: "What the key is for, or whose it is" });

export const CreateKeyBody = t.Object({ name, ...settings });
export const UpdateKeyBody = t.Object({ name: t.Optional(name), ...settings });

export const KeyView = t.Object({
  id: t.String(),
  name: t.String(),
  hint: t.String({ description: "The secret's prefix and last 4 characters; the secret itself is shown only when made" }),
  status: t.Union([t.Literal("active"), t.Literal("expired"), t.Literal("revoked")]),
  models: t.Array(t.String(), { description: "Allowed models; empty: every model" }),
  createdAt: t.Number(),
  expiresAt: t.Nullable(t.Number()),
  revokedAt: t.Nullable(t.Number()),
  rotatedAt: t.Nullable(t.Number()),
  requestsPerMinute: t.Nullable(t.Number()),
  tokensPerMinute: t.Nullable(t.Number()),
  concurrentRequests: t.Nullable(t.Number()),
  tokensPerDay: t.Nullable(t.Number()),
});

export const KeyWithSecret = t.Object({
  key: KeyView,
  secret: t.String({ description: "The key (sk-c2a-…): shown this once, stored only as its SHA-256" }),
});

export const UsageDayView = t.Object({
  day: t.String({ description: "UTC day, YYYY-MM-DD" }),
  requests: t.Number({ description: "Requests admitted" }),
  promptTokens: t.Number(),
  completionTokens: t.Number(),
  totalTokens: t.Number(),
});

export const UsageQuery = queryObject({ days: t.Optional(integer({ minimum: 1, maximum: 366, description: "How many UTC days back, today included (default 7)" })) });
