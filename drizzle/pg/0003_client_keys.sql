CREATE TABLE "client_key_leases" (
	"id" text PRIMARY KEY NOT NULL,
	"key_id" text NOT NULL,
	"expires_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "client_key_usage" (
	"key_id" text NOT NULL,
	"day" text NOT NULL,
	"requests" integer DEFAULT 0 NOT NULL,
	"prompt_tokens" bigint DEFAULT 0 NOT NULL,
	"completion_tokens" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "client_key_usage_key_id_day_pk" PRIMARY KEY("key_id","day")
);
--> statement-breakpoint
CREATE TABLE "client_key_windows" (
	"key_id" text NOT NULL,
	"counter" text NOT NULL,
	"window_start" bigint NOT NULL,
	"used" bigint NOT NULL,
	CONSTRAINT "client_key_windows_key_id_counter_pk" PRIMARY KEY("key_id","counter")
);
--> statement-breakpoint
CREATE TABLE "client_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"digest" text NOT NULL,
	"hint" text NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint,
	"revoked_at" bigint,
	"rotated_at" bigint,
	"models" text DEFAULT '[]' NOT NULL,
	"requests_per_minute" integer,
	"tokens_per_minute" integer,
	"concurrent_requests" integer,
	"tokens_per_day" integer,
	CONSTRAINT "client_keys_digest_unique" UNIQUE("digest")
);
--> statement-breakpoint
CREATE INDEX "client_key_leases_key" ON "client_key_leases" USING btree ("key_id");