ALTER TABLE `request_log` ADD `request_id` text;--> statement-breakpoint
ALTER TABLE `request_log` ADD `engine` text;--> statement-breakpoint
ALTER TABLE `request_log` ADD `attempts` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `request_log` ADD `error` text;