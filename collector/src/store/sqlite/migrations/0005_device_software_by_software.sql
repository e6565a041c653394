DROP INDEX `device_software_software_idx`;--> statement-breakpoint
CREATE INDEX `device_software_software_device_idx` ON `device_software` (`software_id`,`device_key`);