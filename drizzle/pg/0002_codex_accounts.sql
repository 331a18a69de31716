CREATE TABLE "quota_windows" (
	"account_id" text NOT NULL,
	"window_minutes" integer NOT NULL,
	"used_percent" double precision NOT NULL,
	"resets_at" bigint,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "quota_windows_account_id_window_minutes_pk" PRIMARY KEY("account_id","window_minutes")
);
--> statement-breakpoint
CREATE TABLE "used_refresh_tokens" (
	"digest" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"used_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "oauth_client_id" text;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "chatgpt_account_id" text;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "has_codex" boolean;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "has_web" boolean;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "refresh_started_at" bigint;--> statement-breakpoint
CREATE INDEX "used_refresh_tokens_account" ON "used_refresh_tokens" USING btree ("account_id");