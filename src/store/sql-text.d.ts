/** @module Type of migration files imported as text (`with { type: "text" }`), which embeds them in the binary. */
declare module "*.sql" {
  const text: string;
  export default text;
}
