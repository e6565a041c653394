CREATE TABLE `agents` (
	`id` text PRIMARY KEY NOT NULL,
	`token_hash` text NOT NULL,
	`hostname` text NOT NULL,
	`version` text NOT NULL,
	`platform` text NOT NULL,
	`enrolled_at` text NOT NULL,
	`last_seen_at` text,
	`revoked_at` text,
	`device_id` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `agents_token_hash_unique` ON `agents` (`token_hash`);--> statement-breakpoint
CREATE INDEX `agents_device_idx` ON `agents` (`device_id`);--> statement-breakpoint
CREATE TABLE `devices` (
	`id` text PRIMARY KEY NOT NULL,
	`hostname` text NOT NULL,
	`hardware_serial` text,
	`hardware_uuid` text,
	`macs` text NOT NULL,
	`vendor` text,
	`model` text,
	`chassis_type` text,
	`os_family` text,
	`os_name` text,
	`os_version` text,
	`os_build` text,
	`kernel` text,
	`arch` text,
	`cpu_model` text,
	`cpu_cores` integer,
	`cpu_threads` integer,
	`memory_bytes` integer,
	`software_count` integer DEFAULT 0 NOT NULL,
	`pending_updates` integer,
	`pending_security_updates` integer,
	`first_seen_at` text NOT NULL,
	`last_seen_at` text NOT NULL,
	`last_snapshot_id` text,
	`last_collected_at` text,
	`agent_version` text,
	`section_status` text NOT NULL,
	`hardware` text,
	`os` text,
	`patches` text,
	`users` text
);
--> statement-breakpoint
CREATE INDEX `devices_hostname_idx` ON `devices` (`hostname`);--> statement-breakpoint
CREATE INDEX `devices_serial_idx` ON `devices` (`hardware_serial`);--> statement-breakpoint
CREATE INDEX `devices_uuid_idx` ON `devices` (`hardware_uuid`);--> statement-breakpoint
CREATE INDEX `devices_last_seen_idx` ON `devices` (`last_seen_at`);--> statement-breakpoint
CREATE TABLE `snapshots` (
	`id` text PRIMARY KEY NOT NULL,
	`device_id` text NOT NULL,
	`agent_id` text NOT NULL,
	`collected_at` text NOT NULL,
	`received_at` text NOT NULL,
	`size_bytes` integer NOT NULL,
	`body` blob NOT NULL
);
--> statement-breakpoint
CREATE INDEX `snapshots_device_idx` ON `snapshots` (`device_id`,`received_at`);--> statement-breakpoint
CREATE INDEX `snapshots_received_idx` ON `snapshots` (`received_at`);--> statement-breakpoint
CREATE TABLE `device_software` (
	`device_id` text NOT NULL,
	`software_id` integer NOT NULL,
	`install_date` text,
	`install_location` text,
	PRIMARY KEY(`device_id`, `software_id`),
	FOREIGN KEY (`device_id`) REFERENCES `devices`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`software_id`) REFERENCES `software_catalog`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `device_software_software_idx` ON `device_software` (`software_id`);--> statement-breakpoint
CREATE TABLE `software_catalog` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source` text NOT NULL,
	`name` text NOT NULL,
	`version` text NOT NULL,
	`arch` text DEFAULT '' NOT NULL,
	`publisher` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `software_catalog_key` ON `software_catalog` (`source`,`name`,`version`,`arch`);--> statement-breakpoint
CREATE INDEX `software_catalog_name_idx` ON `software_catalog` (`name`);