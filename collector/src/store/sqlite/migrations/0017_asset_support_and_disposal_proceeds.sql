ALTER TABLE `asset_disposals` ADD `proceeds_cents` integer;--> statement-breakpoint
ALTER TABLE `assets` ADD `support_cost_cents` integer;--> statement-breakpoint
ALTER TABLE `assets` ADD `support_start` text;--> statement-breakpoint
ALTER TABLE `assets` ADD `support_end` text;