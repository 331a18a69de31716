/** @module TypeBox shapes of the Codex sign-in routes of the management API. */
import { t } from "elysia";
import { AccountView } from "./model.ts";

export const DeviceStartView = t.Object({
  id: t.String({ description: "This sign-in; poll /admin/api/codex/login/device/{id}" }),
  userCode: t.String({ description: "What the user types at verificationUrl" }),
  verificationUrl: t.String({ description: "Where the user signs in and enters the code" }),
  intervalSec: t.Number({ description: "Poll no more often than this" }),
  expiresAt: t.Number({ description: "Epoch ms when the code expires (15 minutes)" }),
});

export const SignedInView = t.Object({
  account: AccountView,
  renewed: t.Boolean({ description: "True when the pool already held this ChatGPT account: it got the new tokens and is active again" }),
});

export const DevicePollView = t.Union([
  t.Object({ status: t.Literal("pending"), retryAfterSec: t.Number() }),
  t.Object({ status: t.Literal("signed-in"), ...SignedInView.properties }),
  t.Object({ status: t.Literal("expired") }),
  t.Object({ status: t.Literal("failed"), reason: t.String() }),
]);

export const PkceStartView = t.Object({
  state: t.String({ description: "Ties the pasted address to this sign-in" }),
  authorizeUrl: t.String({ description: "Open on any machine with a browser and sign in" }),
  redirectUri: t.String({ description: "Where the browser lands afterwards (the page fails to load there: copy its address)" }),
  expiresAt: t.Number({ description: "Epoch ms; finish before" }),
});

export const PkceCompleteBody = t.Object({
  redirectUrl: t.String({ description: "The whole address the browser ended on, http://localhost:1455/auth/callback?code=…&state=…" }),
});
