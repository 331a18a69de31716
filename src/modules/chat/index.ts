/**
 * @module `POST /v1/chat/completions`: validates with the TypeBox model, hands plain values to the service, and
 * writes JSON or SSE. No try/catch: errors are typed and rendered by the app's one error handler.
 */
import { Elysia } from "elysia";
import { maskSecret, type Logger } from "../../logger.ts";
import { ChatCompletionRequest } from "./model.ts";
import type { ChatService } from "./service.ts";
import { sseResponse } from "./sse-response.ts";

function bearerOf(header: string | null): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match?.[1]?.trim() || null;
}

export function chatModule({ service, logger }: { service: ChatService; logger: Logger }) {
  return new Elysia({ name: "chat" }).post(
    "/v1/chat/completions",
    async ({ body, request, set }) => {
      const bearer = bearerOf(request.headers.get("authorization"));
      const teamAccountId = request.headers.get("chatgpt-account-id") ?? body["Chatgpt-Account-Id"] ?? null;
      const aborter = new AbortController();
      request.signal.addEventListener("abort", () => aborter.abort(), { once: true });
      const result = await service.complete(body, {
        bearer,
        teamAccountId,
        signal: aborter.signal,
        clientKey: bearer ? maskSecret(bearer) : null,
      });
      if (result.type === "json") return result.body;
      return sseResponse(result.chunks, { headers: set.headers as Record<string, string>, logger });
    },
    {
      body: ChatCompletionRequest,
      detail: {
        tags: ["Chat"],
        summary: "Create a chat completion",
        description:
          "OpenAI's chat completions, answered by ChatGPT. `stream: true` answers with server-sent events ending in `data: [DONE]`; " +
          "`stream_options.include_usage` adds a usage chunk. chat2api extensions: `history_disabled`, `conversation_id`, " +
          "`parent_message_id`, `Chatgpt-Account-Id`.",
      },
    },
  );
}
