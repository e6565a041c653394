CREATE TABLE `device_usage` (
	`device_key` integer PRIMARY KEY NOT NULL,
	`sources` text,
	`last_login_at` text,
	`last_login_user` text,
	`sessions_open` integer DEFAULT false NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`device_key`) REFERENCES `devices`(`key`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `software_usage` (
	`device_key` integer NOT NULL,
	`source` text NOT NULL,
	`name` text NOT NULL,
	`arch` text DEFAULT '' NOT NULL,
	`user_name` text DEFAULT '' NOT NULL,
	`last_used` text NOT NULL,
	`via` text NOT NULL,
	PRIMARY KEY(`device_key`, `source`, `name`, `arch`, `user_name`),
	FOREIGN KEY (`device_key`) REFERENCES `devices`(`key`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `software_usage_name_idx` ON `software_usage` (`source`,`name`);