CREATE TABLE `asset_disposals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`asset_id` text NOT NULL,
	`status_event_id` integer NOT NULL,
	`method` text NOT NULL,
	`certificate_ref` text NOT NULL,
	`vendor` text NOT NULL,
	`disposed_on` text NOT NULL,
	`notes` text,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`status_event_id`) REFERENCES `asset_status_events`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `asset_disposals_asset_idx` ON `asset_disposals` (`asset_id`,`id`);--> statement-breakpoint
CREATE TABLE `asset_status_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`asset_id` text NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`at` text NOT NULL,
	`actor` text NOT NULL,
	`note` text,
	`correction` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `asset_status_events_asset_idx` ON `asset_status_events` (`asset_id`,`id`);--> statement-breakpoint
CREATE TABLE `asset_macs` (
	`asset_id` text NOT NULL,
	`mac` text NOT NULL,
	PRIMARY KEY(`asset_id`, `mac`),
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `asset_macs_mac_idx` ON `asset_macs` (`mac`);--> statement-breakpoint
CREATE TABLE `assets` (
	`id` text PRIMARY KEY NOT NULL,
	`asset_tag` text NOT NULL,
	`name` text,
	`serial` text,
	`serial_key` text,
	`hardware_uuid` text,
	`uuid_key` text,
	`hostname` text,
	`hostname_key` text,
	`manufacturer` text,
	`model` text,
	`model_number` text,
	`category` text,
	`status` text NOT NULL,
	`assignee_name` text,
	`assignee_email` text,
	`assignee_username` text,
	`assignee_employee_number` text,
	`location` text,
	`cost_center` text,
	`supplier` text,
	`order_number` text,
	`purchase_date` text,
	`purchase_cost_cents` integer,
	`warranty_months` integer,
	`warranty_end` text,
	`expected_end_of_life` text,
	`notes` text,
	`locked_fields` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `assets_asset_tag_unique` ON `assets` (`asset_tag`);--> statement-breakpoint
CREATE INDEX `assets_serial_key_idx` ON `assets` (`serial_key`);--> statement-breakpoint
CREATE INDEX `assets_uuid_key_idx` ON `assets` (`uuid_key`);--> statement-breakpoint
CREATE INDEX `assets_hostname_key_idx` ON `assets` (`hostname_key`);--> statement-breakpoint
CREATE INDEX `assets_status_idx` ON `assets` (`status`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`actor` text NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text NOT NULL,
	`action` text NOT NULL,
	`before` text,
	`after` text,
	`context` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_entity_idx` ON `audit_log` (`entity_type`,`entity_id`,`id`);--> statement-breakpoint
CREATE TABLE `device_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`device_key` integer NOT NULL,
	`observed_at` text NOT NULL,
	`recorded_at` text NOT NULL,
	`snapshot_id` text NOT NULL,
	`kind` text NOT NULL,
	`subject` text NOT NULL,
	`before` text,
	`after` text,
	FOREIGN KEY (`device_key`) REFERENCES `devices`(`key`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `device_changes_device_idx` ON `device_changes` (`device_key`,`id`);--> statement-breakpoint
CREATE TABLE `device_components` (
	`device_key` integer NOT NULL,
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`label` text,
	`serial` text,
	`vendor` text,
	`model` text,
	`size_bytes` integer,
	`fingerprint` text NOT NULL,
	`first_seen_at` text NOT NULL,
	PRIMARY KEY(`device_key`, `kind`, `key`),
	FOREIGN KEY (`device_key`) REFERENCES `devices`(`key`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `device_asset_links` (
	`device_key` integer PRIMARY KEY NOT NULL,
	`asset_id` text,
	`method` text NOT NULL,
	`linked_at` text NOT NULL,
	`linked_by` text NOT NULL,
	FOREIGN KEY (`device_key`) REFERENCES `devices`(`key`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `device_asset_links_asset_idx` ON `device_asset_links` (`asset_id`);--> statement-breakpoint
CREATE TABLE `device_macs` (
	`device_key` integer NOT NULL,
	`mac` text NOT NULL,
	PRIMARY KEY(`device_key`, `mac`),
	FOREIGN KEY (`device_key`) REFERENCES `devices`(`key`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `device_macs_mac_idx` ON `device_macs` (`mac`);--> statement-breakpoint
CREATE TABLE `licenses` (
	`id` text PRIMARY KEY NOT NULL,
	`product` text NOT NULL,
	`publisher` text,
	`name_pattern` text NOT NULL,
	`publisher_pattern` text,
	`version_range` text,
	`metric` text NOT NULL,
	`seats` integer NOT NULL,
	`term_start` text,
	`term_end` text,
	`cost_per_seat_cents` integer,
	`order_number` text DEFAULT '' NOT NULL,
	`notes` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `licenses_product_order_idx` ON `licenses` (`product`,`order_number`);--> statement-breakpoint
CREATE TABLE `snapshot_sections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`section` text NOT NULL,
	`hash` text NOT NULL,
	`size_bytes` integer NOT NULL,
	`body` blob NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `snapshot_sections_hash_idx` ON `snapshot_sections` (`section`,`hash`);--> statement-breakpoint
-- Hand-written from here (drizzle-kit's rebuild selected columns the old tables do not have):
-- devices get an integer key that per-device tables point at; software rows are carried over
-- through the old text id; stored snapshots (whole gzip bodies) cannot be split into the new
-- envelope + section blobs in SQL, so the raw archive starts afresh. Foreign keys are off while
-- migrations run (see open-database.ts), and checked afterwards.
CREATE TABLE `__new_devices` (
	`key` integer PRIMARY KEY NOT NULL,
	`id` text NOT NULL,
	`agent_id` text,
	`hostname` text NOT NULL,
	`hostname_key` text,
	`hardware_serial` text,
	`serial_key` text,
	`hardware_uuid` text,
	`uuid_key` text,
	`macs` text NOT NULL,
	`primary_user` text,
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
INSERT INTO `__new_devices`("key", "id", "hostname", "hardware_serial", "hardware_uuid", "macs", "vendor", "model", "chassis_type", "os_family", "os_name", "os_version", "os_build", "kernel", "arch", "cpu_model", "cpu_cores", "cpu_threads", "memory_bytes", "software_count", "pending_updates", "pending_security_updates", "first_seen_at", "last_seen_at", "last_snapshot_id", "last_collected_at", "agent_version", "section_status", "hardware", "os", "patches", "users") SELECT rowid, "id", "hostname", "hardware_serial", "hardware_uuid", "macs", "vendor", "model", "chassis_type", "os_family", "os_name", "os_version", "os_build", "kernel", "arch", "cpu_model", "cpu_cores", "cpu_threads", "memory_bytes", "software_count", "pending_updates", "pending_security_updates", "first_seen_at", "last_seen_at", "last_snapshot_id", "last_collected_at", "agent_version", "section_status", "hardware", "os", "patches", "users" FROM `devices`;--> statement-breakpoint
UPDATE `__new_devices` SET "agent_id" = (SELECT a."id" FROM `agents` a WHERE a."device_id" = `__new_devices`."id" ORDER BY a."last_seen_at" DESC LIMIT 1);--> statement-breakpoint
CREATE TABLE `__new_device_software` (
	`device_key` integer NOT NULL,
	`software_id` integer NOT NULL,
	`install_date` text,
	`install_location` text,
	PRIMARY KEY(`device_key`, `software_id`),
	FOREIGN KEY (`device_key`) REFERENCES `devices`(`key`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`software_id`) REFERENCES `software_catalog`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_device_software`("device_key", "software_id", "install_date", "install_location") SELECT d."key", s."software_id", s."install_date", s."install_location" FROM `device_software` s JOIN `__new_devices` d ON d."id" = s."device_id";--> statement-breakpoint
DROP TABLE `device_software`;--> statement-breakpoint
DROP TABLE `snapshots`;--> statement-breakpoint
DROP TABLE `devices`;--> statement-breakpoint
ALTER TABLE `__new_devices` RENAME TO `devices`;--> statement-breakpoint
ALTER TABLE `__new_device_software` RENAME TO `device_software`;--> statement-breakpoint
CREATE TABLE `snapshots` (
	`id` text PRIMARY KEY NOT NULL,
	`device_key` integer NOT NULL,
	`agent_id` text NOT NULL,
	`collected_at` text NOT NULL,
	`received_at` text NOT NULL,
	`size_bytes` integer NOT NULL,
	`envelope` blob NOT NULL,
	`hardware_data` integer,
	`os_data` integer,
	`software_data` integer,
	`patches_data` integer,
	`users_data` integer,
	FOREIGN KEY (`device_key`) REFERENCES `devices`(`key`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`hardware_data`) REFERENCES `snapshot_sections`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`os_data`) REFERENCES `snapshot_sections`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`software_data`) REFERENCES `snapshot_sections`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`patches_data`) REFERENCES `snapshot_sections`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`users_data`) REFERENCES `snapshot_sections`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `device_software_software_idx` ON `device_software` (`software_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `devices_id_unique` ON `devices` (`id`);--> statement-breakpoint
CREATE INDEX `devices_hostname_idx` ON `devices` (`hostname`);--> statement-breakpoint
CREATE INDEX `devices_hostname_key_idx` ON `devices` (`hostname_key`);--> statement-breakpoint
CREATE INDEX `devices_serial_key_idx` ON `devices` (`serial_key`);--> statement-breakpoint
CREATE INDEX `devices_uuid_key_idx` ON `devices` (`uuid_key`);--> statement-breakpoint
CREATE INDEX `devices_last_seen_idx` ON `devices` (`last_seen_at`);--> statement-breakpoint
CREATE INDEX `snapshots_hardware_data_idx` ON `snapshots` (`hardware_data`);--> statement-breakpoint
CREATE INDEX `snapshots_os_data_idx` ON `snapshots` (`os_data`);--> statement-breakpoint
CREATE INDEX `snapshots_software_data_idx` ON `snapshots` (`software_data`);--> statement-breakpoint
CREATE INDEX `snapshots_patches_data_idx` ON `snapshots` (`patches_data`);--> statement-breakpoint
CREATE INDEX `snapshots_users_data_idx` ON `snapshots` (`users_data`);--> statement-breakpoint
CREATE INDEX `snapshots_device_idx` ON `snapshots` (`device_key`,`received_at`);
