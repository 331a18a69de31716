CREATE TABLE `accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`credential` text NOT NULL,
	`kind` text NOT NULL,
	`team_account_id` text DEFAULT '' NOT NULL,
	`access_token` text,
	`access_token_expires_at` integer,
	`access_token_issued_at` integer,
	`refresh_token` text,
	`plan` text,
	`status` text DEFAULT 'active' NOT NULL,
	`last_error` text,
	`last_used_at` integer,
	`created_at` integer NOT NULL,
	`success_count` integer DEFAULT 0 NOT NULL,
	`failure_count` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_credential_team` ON `accounts` (`credential`,`team_account_id`);--> statement-breakpoint
CREATE TABLE `cooldowns` (
	`subject` text NOT NULL,
	`model` text NOT NULL,
	`until_ms` integer NOT NULL,
	`reason` text NOT NULL,
	PRIMARY KEY(`subject`, `model`)
);
--> statement-breakpoint
CREATE TABLE `request_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`client_key` text NOT NULL,
	`account_id` text,
	`model` text NOT NULL,
	`prompt_tokens` integer DEFAULT 0 NOT NULL,
	`completion_tokens` integer DEFAULT 0 NOT NULL,
	`status` integer NOT NULL,
	`latency_ms` integer NOT NULL,
	`ttft_ms` integer
);
--> statement-breakpoint
CREATE INDEX `request_log_at` ON `request_log` (`at`);