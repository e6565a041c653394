import type { UsageSourceState } from '@stocktake/shared';
import type Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import type {
  CatalogueUse,
  DeviceActivity,
  DeviceUsage,
  SoftwareUsage,
  UsageReport,
} from '../../../domain/usage/ports.ts';
import { countsByEntry, entryOf, keptSources } from '../../common/usage-rows.ts';
import type { Db } from '../open-database.ts';
import { deviceSoftware, softwareCatalog } from '../schema/index.ts';
import type { WriteBatcher } from '../write-batcher.ts';
import { installClass } from './install-class.ts';

interface EntryRow {
  deviceId: string;
  source: string;
  name: string;
  arch: string;
  userName: string;
  lastUsed: string;
  via: string;
}

/** Software use on SQLite: written in the ingest's group commit, read with a few set queries. */
export function createSqliteUsage(db: Db, sqlite: Database.Database, batcher: WriteBatcher): SoftwareUsage {
  const keyOf = sqlite.prepare<[string], { key: number }>('select key from devices where id = ?');
  const current = sqlite.prepare<
    [number],
    { sources: string | null; lastLoginAt: string | null; lastLoginUser: string | null; sessionsOpen: number }
  >(
    `select sources, last_login_at as lastLoginAt, last_login_user as lastLoginUser, sessions_open as sessionsOpen
     from device_usage where device_key = ?`,
  );
  const insertRow = sqlite.prepare<[number, string]>('insert into device_usage (device_key, updated_at) values (?, ?)');
  const setSources = sqlite.prepare<[string | null, string, number]>(
    'update device_usage set sources = ?, updated_at = ? where device_key = ?',
  );
  const setLogins = sqlite.prepare<[string | null, string | null, number, string, number]>(
    `update device_usage set last_login_at = ?, last_login_user = ?, sessions_open = ?, updated_at = ?
     where device_key = ?`,
  );
  const clearEntries = sqlite.prepare<[number]>('delete from software_usage where device_key = ?');
  const entryKeys = sqlite.prepare<
    [number],
    { source: string; name: string; arch: string; userName: string; lastUsed: string; via: string }
  >(
    `select source, name, arch, user_name as userName, last_used as lastUsed, via from software_usage where device_key = ?`,
  );
  const removeEntry = sqlite.prepare<[number, string, string, string, string]>(
    'delete from software_usage where device_key = ? and source = ? and name = ? and arch = ? and user_name = ?',
  );
  // A day only moves forward: a late or repeated message never takes one back.
  const upsert = sqlite.prepare<[number, string, string, string, string, string, string]>(
    `insert into software_usage (device_key, source, name, arch, user_name, last_used, via) values (?, ?, ?, ?, ?, ?, ?)
     on conflict (device_key, source, name, arch, user_name) do update set last_used = excluded.last_used, via = excluded.via
     where excluded.last_used > software_usage.last_used`,
  );
  const rowKey = (r: { source: string; name: string; arch?: string; user?: string }) =>
    `${r.source}\u0000${r.name}\u0000${r.arch ?? ''}\u0000${r.user ?? ''}`;

  /** Writes only what differs, so an unchanged machine's report (or a resend) changes no row. */
  function write(deviceId: string, report: UsageReport, now: Date): void {
    const device = keyOf.get(deviceId);
    if (!device) return;
    const at = now.toISOString();
    let row = current.get(device.key);
    if (!row) {
      insertRow.run(device.key, at);
      row = { sources: null, lastLoginAt: null, lastLoginUser: null, sessionsOpen: 0 };
    }
    if (report.kind === 'full' || report.sources) {
      const before = row.sources ? (JSON.parse(row.sources) as UsageSourceState[]) : null;
      const sources = report.sources ? JSON.stringify(keptSources(before, report.sources)) : null;
      if (sources !== row.sources) setSources.run(sources, at, device.key);
    }
    if (report.kind === 'full') {
      if (!report.entries?.length) clearEntries.run(device.key);
      else {
        // What the full report no longer names goes; the rest is upserted below.
        const named = new Set(report.entries.map((e) => rowKey(e)));
        for (const r of entryKeys.all(device.key)) {
          const key = rowKey({ source: r.source, name: r.name, arch: r.arch, user: r.userName });
          if (!named.has(key)) removeEntry.run(device.key, r.source, r.name, r.arch, r.userName);
        }
      }
    }
    for (const e of report.entries ?? []) {
      upsert.run(device.key, e.source, e.name, e.arch ?? '', e.user ?? '', e.lastUsed, e.via);
    }
    if (report.logins) {
      const l = report.logins;
      const lastLoginAt = l.lastLoginAt ?? row.lastLoginAt;
      const lastLoginUser = l.lastLoginAt ? l.lastLoginUser : row.lastLoginUser;
      const open = l.sessionsOpen ? 1 : 0;
      if (lastLoginAt !== row.lastLoginAt || lastLoginUser !== row.lastLoginUser || open !== row.sessionsOpen) {
        setLogins.run(lastLoginAt, lastLoginUser, open, at, device.key);
      }
    }
  }

  const entriesOf = sqlite.prepare<[string], EntryRow>(
    `select d.id as deviceId, u.source, u.name, u.arch, u.user_name as userName, u.last_used as lastUsed, u.via
     from software_usage u join devices d on d.key = u.device_key
     where d.id in (select value from json_each(?)) order by d.id, u.source, u.name, u.arch, u.user_name`,
  );
  const sourcesOfIds = sqlite.prepare<[string], { deviceId: string; sources: string | null }>(
    `select d.id as deviceId, du.sources from device_usage du join devices d on d.key = du.device_key
     where d.id in (select value from json_each(?))`,
  );
  const activityRows = sqlite.prepare<
    [],
    { deviceId: string; sessionsOpen: number; lastLoginAt: string | null; lastLoginUser: string | null }
  >(
    `select d.id as deviceId, du.sessions_open as sessionsOpen, du.last_login_at as lastLoginAt,
       du.last_login_user as lastLoginUser
     from device_usage du join devices d on d.key = du.device_key order by d.id`,
  );

  return {
    record: (deviceId, report, now) => batcher.submit(() => write(deviceId, report, now)),

    async ofDevices(deviceIds): Promise<DeviceUsage[]> {
      const ids = JSON.stringify([...new Set(deviceIds)]);
      const byDevice = new Map<string, DeviceUsage>(
        [...new Set(deviceIds)].map((id) => [id, { deviceId: id, sources: null, entries: [] }]),
      );
      for (const r of sourcesOfIds.all(ids)) {
        const d = byDevice.get(r.deviceId);
        if (d) d.sources = r.sources ? (JSON.parse(r.sources) as UsageSourceState[]) : null;
      }
      for (const { deviceId, ...r } of entriesOf.all(ids)) byDevice.get(deviceId)?.entries.push(entryOf(r));
      return [...byDevice.values()];
    },

    async catalogueUse(softwareIds, cutoffs): Promise<CatalogueUse[]> {
      const ids = [...new Set(softwareIds)];
      const installs = db
        .select({ softwareId: deviceSoftware.softwareId, cls: installClass(cutoffs).as('cls') })
        .from(deviceSoftware)
        .innerJoin(softwareCatalog, sql`${softwareCatalog.id} = ${deviceSoftware.softwareId}`)
        .where(sql`${deviceSoftware.softwareId} in (select value from json_each(${JSON.stringify(ids)}))`)
        .as('installs');
      // Grouped by class, not summed per class: SQLite would flatten the subquery and classify
      // each install once per sum.
      const rows = db
        .select({ softwareId: installs.softwareId, cls: installs.cls, n: sql<number>`count(*)` })
        .from(installs)
        .groupBy(installs.softwareId, sql`cls`)
        .all();
      const byId = countsByEntry(rows);
      return ids.map(
        (softwareId) => byId.get(softwareId) ?? { softwareId, used: 0, rarelyUsed: 0, unused: 0, unknown: 0 },
      );
    },

    async activity(): Promise<DeviceActivity[]> {
      return activityRows.all().map((r) => ({ ...r, sessionsOpen: r.sessionsOpen === 1 }));
    },
  };
}
