CREATE TABLE `client_key_leases` (
	`id` text PRIMARY KEY NOT NULL,
	`key_id` text NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `client_key_leases_key` ON `client_key_leases` (`key_id`);--> statement-breakpoint
CREATE TABLE `client_key_usage` (
	`key_id` text NOT NULL,
	`day` text NOT NULL,
	`requests` integer DEFAULT 0 NOT NULL,
	`prompt_tokens` integer DEFAULT 0 NOT NULL,
	`completion_tokens` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`key_id`, `day`)
);
--> statement-breakpoint
CREATE TABLE `client_key_windows` (
	`key_id` text NOT NULL,
	`counter` text NOT NULL,
	`window_start` integer NOT NULL,
	`used` integer NOT NULL,
	PRIMARY KEY(`key_id`, `counter`)
);
--> statement-breakpoint
CREATE TABLE `client_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`digest` text NOT NULL,
	`hint` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer,
	`revoked_at` integer,
	`rotated_at` integer,
	`models` text DEFAULT '[]' NOT NULL,
	`requests_per_minute` integer,
	`tokens_per_minute` integer,
	`concurrent_requests` integer,
	`tokens_per_day` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `client_keys_digest_unique` ON `client_keys` (`digest`);