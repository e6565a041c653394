import type { UsageClass } from '@stocktake/shared/api';
import { type SQL, sql } from 'drizzle-orm';
import type { UsageCutoffs } from '../../../domain/usage/ports.ts';
import { deviceSoftware, softwareCatalog } from '../schema/index.ts';

/**
 * An install's usage class in SQL, as classifyUse decides it: its last use by anyone (the
 * usage rows of the device for the catalogue entry's source, name and arch, read from their
 * primary key), or without one the earliest of the device's usage sources that cover the entry's
 * software source. Over `device_software`
 * joined to `software_catalog`.
 */
export function installClass(cutoffs: UsageCutoffs): SQL<UsageClass> {
  // A source without `covers` sees every software source.
  const coveredSince = sql`(select min(json_extract(j.value, '$.since'))
    from device_usage du, json_each(du.sources) j where du.device_key = ${deviceSoftware.deviceKey}
      and (json_type(j.value, '$.covers') is null
        or exists (select 1 from json_each(j.value, '$.covers') c where c.value = ${softwareCatalog.source})))`;
  // One aggregate over the install's usage rows: the CASE reads its max once computed.
  return sql<UsageClass>`(select case
      when max(su.last_used) >= ${cutoffs.usedFrom} then 'used'
      when max(su.last_used) >= ${cutoffs.rarelyFrom} then 'rarely_used'
      when max(su.last_used) is not null then 'unused'
      when ${coveredSince} <= ${cutoffs.coveredBy} then 'unused'
      else 'unknown' end
    from software_usage su
    where su.device_key = ${deviceSoftware.deviceKey} and su.source = ${softwareCatalog.source}
      and su.name = ${softwareCatalog.name} and su.arch = ${softwareCatalog.arch})`;
}
