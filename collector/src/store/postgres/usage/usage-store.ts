import type { UsageSourceState } from '@stocktake/shared';
import type { UsageClass } from '@stocktake/shared/api';
import { sql } from 'drizzle-orm';
import type {
  CatalogueUse,
  DeviceActivity,
  DeviceUsage,
  SoftwareUsage,
  UsageReport,
} from '../../../domain/usage/ports.ts';
import { countsByEntry, entryOf, keptSources } from '../../common/usage-rows.ts';
import type { Db, Tx } from '../connection.ts';
import { deviceSoftware, softwareCatalog } from '../schema/index.ts';
import { idArray } from '../software/catalogue-match.ts';
import { installClass } from './install-class.ts';

async function write(tx: Tx, deviceId: string, report: UsageReport, now: Date): Promise<void> {
  const found = await tx.execute<{ key: number; sources: UsageSourceState[] | null }>(
    sql`select d.key, du.sources from devices d left join device_usage du on du.device_key = d.key
        where d.id = ${deviceId} for update of d`,
  );
  const device = found.rows[0];
  if (!device) return;
  await tx.execute(
    sql`insert into device_usage (device_key, updated_at) values (${device.key}, ${now}) on conflict (device_key) do nothing`,
  );
  if (report.kind === 'full' || report.sources) {
    const sources = report.sources ? keptSources(device.sources, report.sources) : null;
    await tx.execute(
      sql`update device_usage set sources = ${sources ? JSON.stringify(sources) : null}::jsonb, updated_at = ${now}
          where device_key = ${device.key}`,
    );
  }
  if (report.kind === 'full') await tx.execute(sql`delete from software_usage where device_key = ${device.key}`);
  const entries = report.entries ?? [];
  if (entries.length > 0) {
    const rows = JSON.stringify(
      entries.map((e) => ({ s: e.source, n: e.name, a: e.arch ?? '', u: e.user ?? '', d: e.lastUsed, v: e.via })),
    );
    // A day only moves forward: a late or repeated message never takes one back.
    await tx.execute(
      sql`insert into software_usage (device_key, source, name, arch, user_name, last_used, via)
          select ${device.key}, r.s, r.n, r.a, r.u, r.d::date, r.v
          from jsonb_to_recordset(${rows}::jsonb) as r(s text, n text, a text, u text, d text, v text)
          on conflict (device_key, source, name, arch, user_name) do update
          set last_used = excluded.last_used, via = excluded.via
          where excluded.last_used > software_usage.last_used`,
    );
  }
  if (report.logins) {
    const l = report.logins;
    await tx.execute(
      sql`update device_usage set last_login_at = coalesce(${l.lastLoginAt}::timestamptz, last_login_at),
            last_login_user = coalesce(${l.lastLoginAt ? l.lastLoginUser : null}, last_login_user),
            sessions_open = ${l.sessionsOpen}, updated_at = ${now}
          where device_key = ${device.key}`,
    );
  }
}

/** Software use on PostgreSQL: one transaction per report, the device row locked against a concurrent one. */
export function createPostgresUsage(db: Db): SoftwareUsage {
  return {
    record: (deviceId, report, now) => db.transaction((tx) => write(tx, deviceId, report, now)),

    async ofDevices(deviceIds): Promise<DeviceUsage[]> {
      const unique = [...new Set(deviceIds)];
      const byDevice = new Map<string, DeviceUsage>(
        unique.map((id) => [id, { deviceId: id, sources: null, entries: [] }]),
      );
      if (unique.length === 0) return [];
      const ids = JSON.stringify(unique);
      const sources = await db.execute<{ deviceId: string; sources: UsageSourceState[] | null }>(
        sql`select d.id as "deviceId", du.sources from device_usage du join devices d on d.key = du.device_key
            where d.id in (select jsonb_array_elements_text(${ids}::jsonb))`,
      );
      for (const r of sources.rows) {
        const d = byDevice.get(r.deviceId);
        if (d) d.sources = r.sources;
      }
      const entries = await db.execute<{
        deviceId: string;
        source: string;
        name: string;
        arch: string;
        userName: string;
        lastUsed: string;
        via: string;
      }>(
        sql`select d.id as "deviceId", u.source, u.name, u.arch, u.user_name as "userName",
              to_char(u.last_used, 'YYYY-MM-DD') as "lastUsed", u.via
            from software_usage u join devices d on d.key = u.device_key
            where d.id in (select jsonb_array_elements_text(${ids}::jsonb))
            order by d.id, u.source collate "C", u.name collate "C", u.arch collate "C", u.user_name collate "C"`,
      );
      for (const { deviceId, ...r } of entries.rows) byDevice.get(deviceId)?.entries.push(entryOf(r));
      return [...byDevice.values()];
    },

    async catalogueUse(softwareIds, cutoffs): Promise<CatalogueUse[]> {
      const ids = [...new Set(softwareIds)];
      if (ids.length === 0) return [];
      const rows = await db.execute<{ softwareId: number; cls: UsageClass; n: string }>(
        sql`select software_id as "softwareId", cls, count(*) as n
            from (select ${deviceSoftware.softwareId} as software_id, ${installClass(cutoffs)} as cls
                  from ${deviceSoftware} join ${softwareCatalog} on ${softwareCatalog.id} = ${deviceSoftware.softwareId}
                  where ${deviceSoftware.softwareId} = any(${idArray(ids)})) installs
            group by software_id, cls`,
      );
      const byId = countsByEntry(rows.rows);
      return ids.map(
        (softwareId) => byId.get(softwareId) ?? { softwareId, used: 0, rarelyUsed: 0, unused: 0, unknown: 0 },
      );
    },

    async activity(): Promise<DeviceActivity[]> {
      const rows = await db.execute<{
        deviceId: string;
        sessionsOpen: boolean;
        lastLoginAt: Date | string | null;
        lastLoginUser: string | null;
      }>(
        sql`select d.id as "deviceId", du.sessions_open as "sessionsOpen", du.last_login_at as "lastLoginAt",
              du.last_login_user as "lastLoginUser"
            from device_usage du join devices d on d.key = du.device_key order by d.id collate "C"`,
      );
      return rows.rows.map((r) => ({
        ...r,
        lastLoginAt: r.lastLoginAt === null ? null : new Date(r.lastLoginAt).toISOString(),
      }));
    },
  };
}
