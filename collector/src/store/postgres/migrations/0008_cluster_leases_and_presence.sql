CREATE TABLE "agent_presence" (
	"agent_id" text PRIMARY KEY NOT NULL,
	"instance" text,
	"connected_at" timestamp (3) with time zone,
	"last_heartbeat_at" timestamp (3) with time zone NOT NULL,
	"renewed_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job_leases" (
	"job" text PRIMARY KEY NOT NULL,
	"tick_at" timestamp (3) with time zone NOT NULL,
	"holder" text NOT NULL,
	"claimed_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "agent_presence_instance_idx" ON "agent_presence" USING btree ("instance");