/**
 * @module A validator of one JSON value fed a UTF-16 unit at a time, with no lookahead: it says the moment a unit
 * makes the text invalid, and the moment the value is complete. The tool-block parser streams a call's arguments
 * only while they are still a valid JSON prefix, so what it sent is never contradicted by a syntax error it could
 * have seen. It accepts what `JSON.parse` accepts (RFC 8259), whitespace around tokens included.
 */
import { JsonStringDecoder, STRING_END, STRING_INVALID } from "./json-string-decoder.ts";

/**
 * `more`: the unit was taken and the value goes on; `done`: the unit completed the value; `done-before`: the value
 * (a bare number) ended before this unit, which was not taken; `invalid`: the unit cannot follow.
 */
export type ScanStep = "more" | "done" | "done-before" | "invalid";

type Expect =
  /** A value must come (start, after `:`, after `,` in an array). */
  | "value"
  /** Right after `[`: a value or `]`. */
  | "value-or-close"
  /** Right after `{`: a key or `}`. */
  | "key-or-close"
  /** After `,` in an object. */
  | "key"
  | "colon"
  /** After a value inside a container. */
  | "comma-or-close"
  | "string"
  | "number"
  | "literal"
  | "done";

/** Number grammar states; the ones in NUMBER_CAN_END can end the number. */
type NumberState = "sign" | "zero" | "int" | "dot" | "frac" | "e" | "e-sign" | "exp";
const NUMBER_CAN_END: ReadonlySet<NumberState> = new Set(["zero", "int", "frac", "exp"]);

const isWhitespace = (unit: string): boolean => unit === " " || unit === "\n" || unit === "\r" || unit === "\t";
const isDigit = (unit: string): boolean => unit >= "0" && unit <= "9";

function nextNumberState(state: NumberState, unit: string): NumberState | null {
  switch (state) {
    case "sign":
      return unit === "0" ? "zero" : isDigit(unit) ? "int" : null;
    case "zero":
    case "int":
      if (unit === ".") return "dot";
      if (unit === "e" || unit === "E") return "e";
      return state === "int" && isDigit(unit) ? "int" : null;
    case "dot":
    case "frac":
      if (isDigit(unit)) return "frac";
      return state === "frac" && (unit === "e" || unit === "E") ? "e" : null;
    case "e":
      return unit === "+" || unit === "-" ? "e-sign" : isDigit(unit) ? "exp" : null;
    case "e-sign":
    case "exp":
      return isDigit(unit) ? "exp" : null;
  }
}

export class JsonScanner {
  private expect: Expect = "value";
  /** Open containers, innermost last. */
  private readonly stack: Array<"{" | "["> = [];
  private string: JsonStringDecoder | null = null;
  /** Whether the string being read is an object key (then a colon follows). */
  private stringIsKey = false;
  private number: NumberState = "sign";
  private literalRest = "";

  /** True once the value is complete. */
  get done(): boolean {
    return this.expect === "done";
  }

  /** Whether the text read so far is a whole value when nothing follows (a bare number ends only then). */
  get completeAtEnd(): boolean {
    return this.expect === "done" || (this.expect === "number" && this.stack.length === 0 && NUMBER_CAN_END.has(this.number));
  }

  push(unit: string): ScanStep {
    switch (this.expect) {
      case "string":
        return this.pushString(unit);
      case "number":
        return this.pushNumber(unit);
      case "literal":
        if (unit !== this.literalRest[0]) return "invalid";
        this.literalRest = this.literalRest.slice(1);
        return this.literalRest === "" ? this.valueEnded() : "more";
      case "done":
        return "invalid";
      default:
        return isWhitespace(unit) ? "more" : this.pushToken(unit);
    }
  }

  private pushToken(unit: string): ScanStep {
    switch (this.expect) {
      case "key-or-close":
      case "key":
        if (unit === '"') return this.openString(true);
        if (unit === "}" && this.expect === "key-or-close") return this.close("{");
        return "invalid";
      case "colon":
        if (unit !== ":") return "invalid";
        this.expect = "value";
        return "more";
      case "comma-or-close": {
        const container = this.stack[this.stack.length - 1];
        if (unit === ",") {
          this.expect = container === "{" ? "key" : "value";
          return "more";
        }
        return unit === "}" || unit === "]" ? this.close(unit === "}" ? "{" : "[") : "invalid";
      }
      case "value-or-close":
        if (unit === "]") return this.close("[");
        return this.openValue(unit);
      default:
        return this.openValue(unit);
    }
  }

  private openValue(unit: string): ScanStep {
    if (unit === "{" || unit === "[") {
      this.stack.push(unit);
      this.expect = unit === "{" ? "key-or-close" : "value-or-close";
      return "more";
    }
    if (unit === '"') return this.openString(false);
    if (unit === "-" || isDigit(unit)) {
      this.expect = "number";
      this.number = unit === "-" ? "sign" : unit === "0" ? "zero" : "int";
      return "more";
    }
    const literal = unit === "t" ? "rue" : unit === "f" ? "alse" : unit === "n" ? "ull" : null;
    if (literal === null) return "invalid";
    this.expect = "literal";
    this.literalRest = literal;
    return "more";
  }

  private openString(isKey: boolean): ScanStep {
    this.expect = "string";
    this.string = new JsonStringDecoder();
    this.stringIsKey = isKey;
    return "more";
  }

  private pushString(unit: string): ScanStep {
    const step = (this.string as JsonStringDecoder).push(unit);
    if (step === STRING_INVALID) return "invalid";
    if (step !== STRING_END) return "more";
    this.string = null;
    if (!this.stringIsKey) return this.valueEnded();
    this.expect = "colon";
    return "more";
  }

  private pushNumber(unit: string): ScanStep {
    const next = nextNumberState(this.number, unit);
    if (next !== null) {
      this.number = next;
      return "more";
    }
    if (!NUMBER_CAN_END.has(this.number)) return "invalid";
    // the unit belongs to what follows the number
    if (this.valueEnded() === "done") return "done-before";
    return this.push(unit);
  }

  private close(container: "{" | "["): ScanStep {
    if (this.stack.pop() !== container) return "invalid";
    return this.valueEnded();
  }

  /** A value just ended: the whole text, or one more member of the enclosing container. */
  private valueEnded(): ScanStep {
    if (this.stack.length === 0) {
      this.expect = "done";
      return "done";
    }
    this.expect = "comma-or-close";
    return "more";
  }
}
