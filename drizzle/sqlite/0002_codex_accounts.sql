CREATE TABLE `quota_windows` (
	`account_id` text NOT NULL,
	`window_minutes` integer NOT NULL,
	`used_percent` real NOT NULL,
	`resets_at` integer,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`account_id`, `window_minutes`)
);
--> statement-breakpoint
CREATE TABLE `used_refresh_tokens` (
	`digest` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`used_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `used_refresh_tokens_account` ON `used_refresh_tokens` (`account_id`);--> statement-breakpoint
ALTER TABLE `accounts` ADD `oauth_client_id` text;--> statement-breakpoint
ALTER TABLE `accounts` ADD `chatgpt_account_id` text;--> statement-breakpoint
ALTER TABLE `accounts` ADD `has_codex` integer;--> statement-breakpoint
ALTER TABLE `accounts` ADD `has_web` integer;--> statement-breakpoint
ALTER TABLE `accounts` ADD `refresh_started_at` integer;