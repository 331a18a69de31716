ALTER TABLE "request_log" ADD COLUMN "request_id" text;--> statement-breakpoint
ALTER TABLE "request_log" ADD COLUMN "engine" text;--> statement-breakpoint
ALTER TABLE "request_log" ADD COLUMN "attempts" text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE "request_log" ADD COLUMN "error" text;