/**
 * @module Types of files imported as text (`with { type: "text" }`: their content) or as files (`with { type: "file" }`:
 * their path, in the binary's embedded file system once compiled); both embed them in the binary.
 */
declare module "*.css" {
  const text: string;
  export default text;
}
declare module "swagger-ui-dist/swagger-ui-bundle.js" {
  const text: string;
  export default text;
}
declare module "*.ranks.gz" {
  const path: string;
  export default path;
}
