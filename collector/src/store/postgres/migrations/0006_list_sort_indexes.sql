CREATE INDEX "devices_first_seen_idx" ON "devices" USING btree ("first_seen_at");--> statement-breakpoint
CREATE INDEX "devices_software_count_idx" ON "devices" USING btree ("software_count");--> statement-breakpoint
CREATE INDEX "findings_severity_idx" ON "findings" USING btree ("severity_rank","id");