CREATE TABLE `conversations` (
	`conversation_id` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`caller` text NOT NULL,
	`created_at` integer NOT NULL,
	`used_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `conversations_used_at` ON `conversations` (`used_at`);--> statement-breakpoint
CREATE TABLE `pool_changes` (
	`version` integer PRIMARY KEY NOT NULL,
	`subject` text NOT NULL
);
--> statement-breakpoint
DROP INDEX `accounts_credential_team`;--> statement-breakpoint
ALTER TABLE `accounts` ADD `credential_digest` text;--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_credential_digest_team` ON `accounts` (`credential_digest`,`team_account_id`);