ALTER TABLE "asset_disposals" ADD COLUMN "proceeds_cents" bigint;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "support_cost_cents" bigint;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "support_start" date;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "support_end" date;