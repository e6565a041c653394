-- License findings move from one entitlement to its product's position, where the rules now
-- raise them (entitlements of a product pool their seats). Of the findings of one type about the
-- licenses of one product and metric, the unresolved one (else the oldest) becomes the product's
-- and keeps its status and history; any other stays on its license and resolves at the next run.
CREATE TEMP TABLE `license_finding_moves` AS
SELECT
  `f`.`id` AS `id`,
  `l`.`product` AS `product`,
  `l`.`metric` AS `metric`,
  row_number() OVER (
    PARTITION BY `f`.`type`, `l`.`product`, `l`.`metric`
    ORDER BY `f`.`status` = 'resolved', `f`.`id`
  ) AS `rank`
FROM `findings` `f`
JOIN `licenses` `l` ON `l`.`id` = `f`.`subject_id`
WHERE `f`.`subject_kind` = 'license' AND `f`.`type` IN ('license_overuse', 'shelfware');
--> statement-breakpoint
UPDATE `findings`
SET
  `subject_kind` = 'product',
  `subject_id` = (SELECT `m`.`product` FROM `license_finding_moves` `m` WHERE `m`.`id` = `findings`.`id`),
  `sub_key` = (SELECT `m`.`metric` FROM `license_finding_moves` `m` WHERE `m`.`id` = `findings`.`id`)
WHERE `id` IN (SELECT `id` FROM `license_finding_moves` WHERE `rank` = 1);
--> statement-breakpoint
DROP TABLE `license_finding_moves`;
