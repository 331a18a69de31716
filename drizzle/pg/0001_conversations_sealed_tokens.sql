CREATE TABLE "conversations" (
	"conversation_id" text PRIMARY KEY NOT NULL,
	"holder" text NOT NULL,
	"caller" text NOT NULL,
	"created_at" bigint NOT NULL,
	"used_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pool_changes" (
	"version" bigint PRIMARY KEY NOT NULL,
	"subject" text NOT NULL
);
--> statement-breakpoint
DROP INDEX "accounts_credential_team";--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "credential_digest" text;--> statement-breakpoint
CREATE INDEX "conversations_used_at" ON "conversations" USING btree ("used_at");--> statement-breakpoint
CREATE UNIQUE INDEX "accounts_credential_digest_team" ON "accounts" USING btree ("credential_digest","team_account_id");