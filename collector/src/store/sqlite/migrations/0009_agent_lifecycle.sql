CREATE TABLE `enrolment_blocks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`value` text NOT NULL,
	`created_at` text NOT NULL,
	`created_by` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `enrolment_blocks_kind_value_idx` ON `enrolment_blocks` (`kind`,`value`);--> statement-breakpoint
ALTER TABLE `agents` ADD `revoked_by` text;--> statement-breakpoint
ALTER TABLE `agents` ADD `claimed_device_id` text;--> statement-breakpoint
ALTER TABLE `agents` ADD `address` text;--> statement-breakpoint
CREATE INDEX `agents_claimed_device_idx` ON `agents` (`claimed_device_id`);