-- device_software becomes a WITHOUT ROWID table clustered on its primary key (device_key,
-- software_id): the rows are the primary-key B-tree, so each install is stored once instead of
-- in a rowid table plus a primary-key index, and ingest updates two B-trees per row, not three.
-- drizzle-kit has no WITHOUT ROWID option: a generated migration that rebuilds this table must
-- keep the clause (see schema/software.ts).
CREATE TABLE `__new_device_software` (
	`device_key` integer NOT NULL,
	`software_id` integer NOT NULL,
	`install_date` text,
	`install_location` text,
	PRIMARY KEY(`device_key`, `software_id`),
	FOREIGN KEY (`device_key`) REFERENCES `devices`(`key`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`software_id`) REFERENCES `software_catalog`(`id`) ON UPDATE no action ON DELETE no action
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_device_software`("device_key", "software_id", "install_date", "install_location") SELECT "device_key", "software_id", "install_date", "install_location" FROM `device_software` ORDER BY "device_key", "software_id";--> statement-breakpoint
DROP TABLE `device_software`;--> statement-breakpoint
ALTER TABLE `__new_device_software` RENAME TO `device_software`;--> statement-breakpoint
CREATE INDEX `device_software_software_device_idx` ON `device_software` (`software_id`,`device_key`);
