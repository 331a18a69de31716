/**
 * @module Test fixtures: model replies with tool blocks (tool-calls.md §1–2) and what the parser must make of them
 * (content, completed calls, refused blocks). Every §2 deviation, the refusals, and tag-like text.
 */
import type { CallableTool, CallRefusal } from "../tool-block-parser.ts";

export const declaredTools: CallableTool[] = [
  { name: "get_weather", kind: "function" },
  { name: "get_time", kind: "function" },
  { name: "apply_patch", kind: "custom" },
];

export interface ExpectedCall {
  name: string;
  /** The arguments' JSON text (a custom tool's input text). */
  arguments: string;
  custom?: true;
}

export interface ReplyCase {
  name: string;
  reply: string;
  content: string;
  calls: ExpectedCall[];
  refused: CallRefusal[];
  parallel?: boolean;
}

const weather = '{"name": "get_weather", "arguments": {"city": "Paris"}}';
const weatherCall: ExpectedCall = { name: "get_weather", arguments: '{"city": "Paris"}' };
const timeCall: ExpectedCall = { name: "get_time", arguments: '{"zone": "Europe/Paris"}' };
const block = (json: string): string => `<tool_call>\n${json}\n</tool_call>`;
const weatherBlock = block(weather);
const timeBlock = block('{"name": "get_time", "arguments": {"zone": "Europe/Paris"}}');

/** Replies the parser turns into calls. */
export const callCases: ReplyCase[] = [
  { name: "one block", reply: weatherBlock, content: "", calls: [weatherCall], refused: [] },
  { name: "text before the block is content", reply: `Let me look that up.\n\n${weatherBlock}`, content: "Let me look that up.\n\n", calls: [weatherCall], refused: [] },
  { name: "text after the last block is discarded", reply: `${weatherBlock}\nI called the tool for you.`, content: "", calls: [weatherCall], refused: [] },
  { name: "two blocks are parallel calls, in order", reply: `${weatherBlock}\n${timeBlock}`, content: "", calls: [weatherCall, timeCall], refused: [] },
  { name: "text between blocks is discarded", reply: `${weatherBlock}\nand also\n${timeBlock}\nDone.`, content: "", calls: [weatherCall, timeCall], refused: [] },
  {
    name: "deviation 1: whitespace and newlines around the tags and inside the JSON",
    reply: '\n  <tool_call>   \n\t{ "name" : "get_weather" ,\r\n  "arguments" :\n {\n  "city" : "Paris"\n }\n}  \n\n </tool_call>  \n',
    content: "\n  ",
    calls: [{ name: "get_weather", arguments: '{\n  "city" : "Paris"\n }' }],
    refused: [],
  },
  { name: "deviation 2: a ```json fence inside the tags", reply: `<tool_call>\n\`\`\`json\n${weather}\n\`\`\`\n</tool_call>`, content: "", calls: [weatherCall], refused: [] },
  { name: "deviation 2: a bare fence, no newlines", reply: `<tool_call>\`\`\`${weather}\`\`\`</tool_call>`, content: "", calls: [weatherCall], refused: [] },
  {
    name: "deviation 3: arguments as a string holding an object",
    reply: block('{"name": "get_weather", "arguments": "{\\"city\\": \\"Paris\\"}"}'),
    content: "",
    calls: [weatherCall],
    refused: [],
  },
  {
    name: "deviation 3: escapes and whitespace inside the string",
    reply: block('{"name": "get_weather", "arguments": " {\\"city\\": \\"Z\\u00fcrich\\\\n\\"}\\n"}'),
    content: "",
    calls: [{ name: "get_weather", arguments: '{"city": "Zürich\\n"}' }],
    refused: [],
  },
  { name: "deviation 4: no close tag at the very end", reply: `<tool_call>\n${weather}\n`, content: "", calls: [weatherCall], refused: [] },
  { name: "deviation 4: a close tag cut short at the very end", reply: `<tool_call>${weather}</tool_`, content: "", calls: [weatherCall], refused: [] },
  { name: "deviation 5: parameters instead of arguments", reply: block('{"name": "get_weather", "parameters": {"city": "Paris"}}'), content: "", calls: [weatherCall], refused: [] },
  {
    name: "deviations 1-5 at once",
    reply: 'Sure.\n<tool_call>\n```json\n{"name": "get_weather", "parameters": "{\\"city\\": \\"Paris\\"}"}\n```\n',
    content: "Sure.\n",
    calls: [weatherCall],
    refused: [],
  },
  { name: "the name after the arguments", reply: block('{"arguments": {"city": "Paris"}, "name": "get_weather"}'), content: "", calls: [weatherCall], refused: [] },
  {
    name: "other keys are ignored",
    reply: block('{"id": "call_old", "name": "get_weather", "arguments": {"city": "Paris"}, "note": [1, {"a": null}, -2.5e3]}'),
    content: "",
    calls: [weatherCall],
    refused: [],
  },
  {
    name: "a custom tool's input is its text",
    reply: block('{"name": "apply_patch", "arguments": {"input": "*** Begin Patch\\n*** End Patch"}}'),
    content: "",
    calls: [{ name: "apply_patch", arguments: "*** Begin Patch\n*** End Patch", custom: true }],
    refused: [],
  },
  {
    name: "multi-byte text and arguments",
    reply: 'Voilà 🌍 — je regarde.\n<tool_call>{"name": "get_weather", "arguments": {"city": "東京", "note": "😀 ü"}}</tool_call>',
    content: "Voilà 🌍 — je regarde.\n",
    calls: [{ name: "get_weather", arguments: '{"city": "東京", "note": "😀 ü"}' }],
    refused: [],
  },
  {
    name: "a refused block, then a call: the refused block is content",
    reply: `${block('{"name": "get_stock", "arguments": {}}')}\n${weatherBlock}`,
    content: `${block('{"name": "get_stock", "arguments": {}}')}\n`,
    calls: [weatherCall],
    refused: ["undeclared-name"],
  },
  {
    name: "an invalid block after a call is discarded",
    reply: `${weatherBlock}\n<tool_call>{bad}</tool_call>`,
    content: "",
    calls: [weatherCall],
    refused: ["invalid-json"],
  },
  {
    name: "a block missing its close tag before another block is text",
    reply: `<tool_call>${weather}\n${timeBlock}`,
    content: `<tool_call>${weather}\n`,
    calls: [timeCall],
    refused: ["invalid-json"],
  },
  {
    name: "parallel_tool_calls false: blocks after the first are dropped",
    reply: `${weatherBlock}\n${timeBlock}`,
    content: "",
    calls: [weatherCall],
    refused: ["extra-call"],
    parallel: false,
  },
];

/** Replies that stay text, whole, with finish_reason stop. */
const textReplies: Array<[name: string, reply: string, refused: CallRefusal[]]> = [
  ["an undeclared name", block('{"name": "get_stock", "arguments": {"symbol": "ACME"}}'), ["undeclared-name"]],
  ["an unquoted value", block('{"name": "get_weather", "arguments": {"city": Paris}}'), ["invalid-json"]],
  ["a raw newline inside a string", block('{"name": "get_weather", "arguments": {"city": "Pa\nris"}}'), ["invalid-json"]],
  ["a brace too many", block(`${weather}}`), ["invalid-json"]],
  ["a trailing comma", block('{"name": "get_weather", "arguments": {"city": "Paris",}}'), ["invalid-json"]],
  ["arguments as an array", block('{"name": "get_weather", "arguments": ["Paris"]}'), ["arguments-not-object"]],
  ["arguments as a string that is no object", block('{"name": "get_weather", "arguments": "Paris"}'), ["arguments-not-object"]],
  ["arguments as a string holding invalid JSON", block('{"name": "get_weather", "arguments": "{city: Paris}"}'), ["invalid-json"]],
  ["arguments null", block('{"name": "get_weather", "arguments": null}'), ["arguments-not-object"]],
  ["no arguments", block('{"name": "get_time"}'), ["missing-arguments"]],
  ["no name", block('{"arguments": {"city": "Paris"}}'), ["missing-name"]],
  ["a name that is not a string", block('{"name": 42, "arguments": {}}'), ["missing-name"]],
  ["a custom tool without an input string", block('{"name": "apply_patch", "arguments": {"patch": "x"}}'), ["arguments-not-object"]],
  ["no close tag, and text after", `<tool_call>${weather}\nLet me know.`, ["invalid-json"]],
  ["the reply ends inside the JSON", '<tool_call>{"name": "get_weather", "arguments": {"city": "Par', ["unterminated"]],
  ["the reply ends inside an unclosed fence", `<tool_call>\`\`\`json\n${weather}\n`, ["unterminated"]],
  ["the tag quoted in prose", "Write `<tool_call>` blocks to call tools.", ["invalid-json"]],
  ["a fence that is not one", `<tool_call>\`\`json\n${weather}</tool_call>`, ["invalid-json"]],
  ["tag-like text", "Use <tool> or <tool_calls> or <tool_c and <b>bold</b>, since a < b and <<tool_call.", []],
  ["a reply ending in a tag prefix", "The tag is <tool_c", []],
  ["a reply ending in <", "a <", []],
  ["an empty reply", "", []],
  ["no block at all", "Paris is sunny today. 🌞 Température: 21 °C.", []],
];

export const textCases: ReplyCase[] = textReplies.map(([name, reply, refused]) => ({ name, reply, content: reply, calls: [], refused }));

export const allCases: ReplyCase[] = [...callCases, ...textCases];
