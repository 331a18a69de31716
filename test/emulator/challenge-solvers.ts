/**
 * @module The external challenge solvers chat2api calls (upstream.md §4.5, §4.6), emulated: each answers a `dx` with
 * a token the conversation endpoint can check, so a proxy that skips or garbles the solver is caught.
 */
import { createHmac, randomBytes } from "node:crypto";
import { detail, json, readJsonObject } from "./http.ts";

export class ChallengeSolvers {
  private readonly secret = randomBytes(16).toString("hex");

  /** A base64 `dx` for one requirements answer; solving it is what binds the token to that answer. */
  newDx(): string {
    return randomBytes(48).toString("base64");
  }

  turnstileAnswer(dx: string): string {
    return Buffer.from(createHmac("sha256", this.secret).update(`turnstile:${dx}`).digest()).toString("base64");
  }

  arkoseAnswer(dx: string): string {
    const digest = createHmac("sha256", this.secret).update(`arkose:${dx}`).digest("hex");
    return `${digest.slice(0, 17)}.${digest.slice(17, 27)}|r=us-east-1|meta=3|metabgclr=transparent|pk=0A1D34FC-659D-4E23-B17B-694DCFCF6A6C|at=40|cdn_url=https%3A%2F%2Ftcr9i.openai.com%2Fcdn%2Ffc|surl=https%3A%2F%2Ftcr9i.openai.com|smurl=https%3A%2F%2Ftcr9i.openai.com%2Fcdn%2Ffc%2Fassets%2Fstyle-manager`;
  }

  /** `POST {"url","p","dx","ua"}` → `{"t": token}` (TURNSTILE_SOLVER_URL). */
  async handleTurnstile(request: Request): Promise<Response> {
    const body = await readJsonObject(request);
    for (const key of ["url", "p", "dx", "ua"]) {
      if (typeof body[key] !== "string" || body[key] === "") throw detail(400, `turnstile solver needs a non-empty "${key}"`);
    }
    return json(200, { t: this.turnstileAnswer(body.dx as string) });
  }

  /** `POST {"blob","method"}` → `{"token","solved":true}` (ARKOSE_TOKEN_URL). */
  async handleArkose(request: Request): Promise<Response> {
    const body = await readJsonObject(request);
    if (typeof body.blob !== "string" || body.blob === "") throw detail(400, 'arkose solver needs a non-empty "blob"');
    if (body.method !== "chat35" && body.method !== "chat4") throw detail(400, 'arkose solver "method" must be chat35 or chat4');
    return json(200, { token: this.arkoseAnswer(body.blob), solved: true });
  }
}
