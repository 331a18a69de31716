/**
 * @module What the translators refuse or find, as facts: an unknown model name, a request field that cannot be
 * translated, a reply that failed or never finished. Their HTTP status is chosen at the edge (src/reply/api-error-of.ts).
 */

/** A model name neither our table nor the caller's account knows. */
export class UnknownModelError extends Error {
  constructor(readonly model: string) {
    super(`The model \`${model}\` does not exist or you do not have access to it.`);
    this.name = "UnknownModelError";
  }
}

/** A request field the translation cannot take; `param` names it as the client sent it. */
export class InvalidInputError extends Error {
  readonly param: string | null;
  readonly code: string | null;

  constructor(message: string, { param = null, code = null }: { param?: string | null; code?: string | null } = {}) {
    super(message);
    this.name = "InvalidInputError";
    this.param = param;
    this.code = code;
  }
}

/** The upstream's reply ended in failure, or without finishing, after it began. */
export class ReplyFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReplyFailedError";
  }
}
