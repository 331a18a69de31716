/** @module Types of files imported as text (`with { type: "text" }`), which embeds them in the binary. */
declare module "*.css" {
  const text: string;
  export default text;
}
declare module "swagger-ui-dist/swagger-ui-bundle.js" {
  const text: string;
  export default text;
}
