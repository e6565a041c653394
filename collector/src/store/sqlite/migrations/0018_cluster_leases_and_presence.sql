CREATE TABLE `agent_presence` (
	`agent_id` text PRIMARY KEY NOT NULL,
	`instance` text,
	`connected_at` text,
	`last_heartbeat_at` text NOT NULL,
	`renewed_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `agent_presence_instance_idx` ON `agent_presence` (`instance`);--> statement-breakpoint
CREATE TABLE `job_leases` (
	`job` text PRIMARY KEY NOT NULL,
	`tick_at` text NOT NULL,
	`holder` text NOT NULL,
	`claimed_at` text NOT NULL
);
