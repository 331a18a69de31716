/**
 * @module The JSON object inside one `<tool_call>` block (tool-calls.md §1), read a UTF-16 unit at a time:
 * `{"name": "…", "arguments": {…}}`. It keeps the name once its string closes and the arguments' JSON text as it
 * grows (valid so far), so the caller can announce the call and stream its arguments before the block ends.
 * `"parameters"` is read as `"arguments"` (deviation 5), and a string holding an object is decoded once, its
 * decoded text being the arguments (deviation 3). Other keys are validated and ignored; a second name or
 * arguments key, arguments that are not an object, or any JSON error refuses the block.
 */
import { JsonScanner } from "./json-scanner.ts";
import { JsonStringDecoder, STRING_END, STRING_INVALID } from "./json-string-decoder.ts";

/** Why a block was not taken as a call. */
export type CallRefusal =
  /** The text after `<tool_call>` is not one JSON object (or a fenced one), then `</tool_call>`. */
  | "invalid-json"
  | "missing-name"
  | "missing-arguments"
  /** `arguments` is neither an object nor a string holding one (or a custom tool's has no string `input`). */
  | "arguments-not-object"
  /** The name is not one of the tools the prompt described. */
  | "undeclared-name"
  /** The reply ended inside the block, before its JSON was complete. */
  | "unterminated"
  /** `parallel_tool_calls: false` and a call was already made. */
  | "extra-call";

export type CallObjectStep = "more" | "done" | CallRefusal;

type State =
  | "open"
  | "key-or-close"
  | "key"
  | "in-key"
  | "colon"
  | "value"
  | "in-name"
  | "in-arguments"
  | "in-string-arguments"
  | "in-other"
  | "comma-or-close"
  | "done";

const ARGUMENT_KEYS: ReadonlySet<string> = new Set(["arguments", "parameters"]);
const isWhitespace = (unit: string): boolean => unit === " " || unit === "\n" || unit === "\r" || unit === "\t";

export class CallObjectParser {
  /** The function's name, once its string closed. */
  name: string | null = null;
  /** The arguments' JSON text so far: always a valid prefix of a JSON object, starting with `{` when not empty. */
  arguments = "";
  /** True once the arguments object closed. */
  argumentsDone = false;
  /** The arguments text added since the last `takeArguments` (reading `arguments` whole on every chunk is quadratic). */
  private fresh = "";

  private state: State = "open";
  private key = "";
  private keyDecoder: JsonStringDecoder | null = null;
  private nameText = "";
  private nameDecoder: JsonStringDecoder | null = null;
  /** Validates the arguments object (the raw text, or the decoded text of the string form). */
  private argumentsScanner: JsonScanner | null = null;
  /** Deviation 3: decodes the string that holds the arguments. */
  private argumentsString: JsonStringDecoder | null = null;
  private other: JsonScanner | null = null;

  get done(): boolean {
    return this.state === "done";
  }

  /** The arguments text added since the last call. */
  takeArguments(): string {
    const fresh = this.fresh;
    this.fresh = "";
    return fresh;
  }

  push(unit: string): CallObjectStep {
    switch (this.state) {
      case "open":
        if (isWhitespace(unit)) return "more";
        return this.expectUnit(unit, "{", "key-or-close");
      case "key-or-close":
      case "key":
        if (isWhitespace(unit)) return "more";
        if (unit === "}" && this.state === "key-or-close") return this.finish();
        if (unit !== '"') return "invalid-json";
        this.key = "";
        this.keyDecoder = new JsonStringDecoder();
        this.state = "in-key";
        return "more";
      case "in-key": {
        const step = (this.keyDecoder as JsonStringDecoder).push(unit);
        if (step === STRING_INVALID) return "invalid-json";
        if (step === STRING_END) this.state = "colon";
        else this.key += step;
        return "more";
      }
      case "colon":
        if (isWhitespace(unit)) return "more";
        return this.expectUnit(unit, ":", "value");
      case "value":
        return isWhitespace(unit) ? "more" : this.openValue(unit);
      case "in-name": {
        const step = (this.nameDecoder as JsonStringDecoder).push(unit);
        if (step === STRING_INVALID) return "invalid-json";
        if (step !== STRING_END) {
          this.nameText += step;
          return "more";
        }
        this.name = this.nameText;
        this.state = "comma-or-close";
        return "more";
      }
      case "in-arguments":
        return this.pushArguments(unit);
      case "in-string-arguments":
        return this.pushStringArguments(unit);
      case "in-other": {
        const step = (this.other as JsonScanner).push(unit);
        if (step === "invalid") return "invalid-json";
        if (step === "more") return "more";
        this.state = "comma-or-close";
        return step === "done" ? "more" : this.push(unit);
      }
      case "comma-or-close":
        if (isWhitespace(unit)) return "more";
        if (unit === "}") return this.finish();
        return this.expectUnit(unit, ",", "key");
      case "done":
        return "invalid-json";
    }
  }

  private expectUnit(unit: string, expected: string, next: State): CallObjectStep {
    if (unit !== expected) return "invalid-json";
    this.state = next;
    return "more";
  }

  private openValue(unit: string): CallObjectStep {
    if (this.key === "name") {
      if (this.name !== null || this.nameDecoder !== null) return "invalid-json";
      if (unit !== '"') return "missing-name";
      this.nameDecoder = new JsonStringDecoder();
      this.state = "in-name";
      return "more";
    }
    if (ARGUMENT_KEYS.has(this.key)) {
      if (this.argumentsScanner !== null) return "invalid-json";
      this.argumentsScanner = new JsonScanner();
      if (unit === "{") {
        this.state = "in-arguments";
        return this.pushArguments(unit);
      }
      if (unit !== '"') return "arguments-not-object";
      this.argumentsString = new JsonStringDecoder();
      this.state = "in-string-arguments";
      return "more";
    }
    this.other = new JsonScanner();
    this.state = "in-other";
    return this.push(unit);
  }

  private pushArguments(unit: string): CallObjectStep {
    const step = (this.argumentsScanner as JsonScanner).push(unit);
    if (step === "invalid") return "invalid-json";
    this.arguments += unit;
    this.fresh += unit;
    if (step === "done") {
      this.argumentsDone = true;
      this.state = "comma-or-close";
    }
    return "more";
  }

  /** The string's decoded text must be whitespace, one object, whitespace. */
  private pushStringArguments(unit: string): CallObjectStep {
    const step = (this.argumentsString as JsonStringDecoder).push(unit);
    if (step === STRING_INVALID) return "invalid-json";
    if (step === STRING_END) {
      if (!this.argumentsDone) return this.arguments === "" ? "arguments-not-object" : "invalid-json";
      this.state = "comma-or-close";
      return "more";
    }
    for (const decoded of step) {
      if (isWhitespace(decoded) && (this.arguments === "" || this.argumentsDone)) continue;
      if (this.argumentsDone) return "invalid-json";
      if (this.arguments === "" && decoded !== "{") return "arguments-not-object";
      const scanned = (this.argumentsScanner as JsonScanner).push(decoded);
      if (scanned === "invalid") return "invalid-json";
      this.arguments += decoded;
      this.fresh += decoded;
      if (scanned === "done") this.argumentsDone = true;
    }
    return "more";
  }

  private finish(): CallObjectStep {
    if (this.name === null) return "missing-name";
    if (!this.argumentsDone) return "missing-arguments";
    this.state = "done";
    return "done";
  }
}
