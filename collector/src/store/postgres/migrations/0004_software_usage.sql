CREATE TABLE "device_usage" (
	"device_key" integer PRIMARY KEY NOT NULL,
	"sources" jsonb,
	"last_login_at" timestamp (3) with time zone,
	"last_login_user" text,
	"sessions_open" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "software_usage" (
	"device_key" integer NOT NULL,
	"source" text NOT NULL,
	"name" text NOT NULL,
	"arch" text DEFAULT '' NOT NULL,
	"user_name" text DEFAULT '' NOT NULL,
	"last_used" date NOT NULL,
	"via" text NOT NULL,
	CONSTRAINT "software_usage_device_key_source_name_arch_user_name_pk" PRIMARY KEY("device_key","source","name","arch","user_name")
);
--> statement-breakpoint
ALTER TABLE "device_usage" ADD CONSTRAINT "device_usage_device_key_devices_key_fk" FOREIGN KEY ("device_key") REFERENCES "public"."devices"("key") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "software_usage" ADD CONSTRAINT "software_usage_device_key_devices_key_fk" FOREIGN KEY ("device_key") REFERENCES "public"."devices"("key") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "software_usage_name_idx" ON "software_usage" USING btree ("source","name");