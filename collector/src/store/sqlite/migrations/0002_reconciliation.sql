CREATE TABLE `device_patch_tracking` (
	`device_key` integer PRIMARY KEY NOT NULL,
	`security_pending_since` text NOT NULL,
	FOREIGN KEY (`device_key`) REFERENCES `devices`(`key`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `finding_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`finding_id` integer NOT NULL,
	`at` text NOT NULL,
	`kind` text NOT NULL,
	`actor` text NOT NULL,
	`run_id` integer,
	`from_status` text,
	`to_status` text NOT NULL,
	`summary` text,
	`evidence_hash` text,
	`comment` text,
	`snoozed_until` text,
	FOREIGN KEY (`finding_id`) REFERENCES `findings`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `finding_events_finding_idx` ON `finding_events` (`finding_id`,`id`);--> statement-breakpoint
CREATE TABLE `finding_refs` (
	`finding_id` integer NOT NULL,
	`ref_kind` text NOT NULL,
	`ref_id` text NOT NULL,
	PRIMARY KEY(`finding_id`, `ref_kind`, `ref_id`),
	FOREIGN KEY (`finding_id`) REFERENCES `findings`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `finding_refs_ref_idx` ON `finding_refs` (`ref_kind`,`ref_id`);--> statement-breakpoint
CREATE TABLE `findings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`type` text NOT NULL,
	`subject_kind` text NOT NULL,
	`subject_id` text NOT NULL,
	`sub_key` text DEFAULT '' NOT NULL,
	`severity` text NOT NULL,
	`severity_rank` integer NOT NULL,
	`status` text NOT NULL,
	`summary` text NOT NULL,
	`evidence` text NOT NULL,
	`evidence_hash` text NOT NULL,
	`first_seen_at` text NOT NULL,
	`opened_at` text NOT NULL,
	`last_seen_at` text NOT NULL,
	`resolved_at` text,
	`occurrences` integer DEFAULT 1 NOT NULL,
	`snoozed_until` text,
	`status_changed_at` text NOT NULL,
	`status_changed_by` text NOT NULL,
	`status_comment` text,
	`last_run_id` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `findings_key_idx` ON `findings` (`type`,`subject_id`,`sub_key`);--> statement-breakpoint
CREATE INDEX `findings_status_idx` ON `findings` (`status`,`severity_rank`);--> statement-breakpoint
CREATE INDEX `findings_last_seen_idx` ON `findings` (`last_seen_at`);--> statement-breakpoint
CREATE TABLE `policies` (
	`name` text PRIMARY KEY NOT NULL,
	`document` text NOT NULL,
	`updated_at` text NOT NULL,
	`updated_by` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `reconciliation_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`trigger` text NOT NULL,
	`actor` text NOT NULL,
	`status` text NOT NULL,
	`started_at` text NOT NULL,
	`finished_at` text,
	`duration_ms` integer,
	`error` text,
	`counts` text,
	`matching` text,
	`phases` text
);
--> statement-breakpoint
CREATE INDEX `reconciliation_runs_started_idx` ON `reconciliation_runs` (`started_at`);