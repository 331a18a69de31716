/**
 * @module The console's browser modules, which the server imports only as text (`with { type: "text" }`) to embed them.
 * No TypeScript code imports JavaScript otherwise, so the pattern types nothing else.
 */
declare module "*.js" {
  const text: string;
  export default text;
}
