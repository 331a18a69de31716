/**
 * @module `POST /v1/chat/completions`: validates with the TypeBox model, hands plain values to the service, and
 * writes JSON or SSE. No try/catch: errors are typed and rendered by the app's one error handler.
 */
import { Elysia } from "elysia";
import { InvalidRequestError } from "../../errors.ts";
import type { Logger } from "../../logger.ts";
import { replyContextOf } from "../request-context.ts";
import { ChatCompletionRequest } from "./model.ts";
import type { ChatService } from "./service.ts";
import { sseResponse } from "./sse-response.ts";

export function chatModule({ service, logger }: { service: ChatService; logger: Logger }) {
  return new Elysia({ name: "chat" }).post(
    "/v1/chat/completions",
    async ({ body, request, set }) => {
      const result = await service.complete(body, replyContextOf(request, body["Chatgpt-Account-Id"]));
      if (result.type === "json") return result.body;
      return sseResponse(result.chunks, { headers: set.headers as Record<string, string>, logger });
    },
    {
      // Elysia would coerce a string into a one-item array; a client that sent `"messages": "hi"` must hear so
      transform({ body }) {
        if (body === null || typeof body !== "object" || Array.isArray(body)) {
          throw new InvalidRequestError("The request body must be a JSON object with 'model' and 'messages'.", { code: "invalid_body" });
        }
        const messages = (body as { messages?: unknown }).messages;
        if (messages !== undefined && !Array.isArray(messages)) {
          throw new InvalidRequestError("Invalid value for 'messages': expected an array of message objects.", { param: "messages", code: "invalid_type" });
        }
      },
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
