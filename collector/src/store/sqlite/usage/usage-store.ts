import type { UsageSourceState } from '@stocktake/shared';
import type Database from 'better-sqlite3';
import type { DeviceActivity, DeviceUsage, SoftwareUsage, UsageReport } from '../../../domain/usage/ports.ts';
import { entryOf, keptSources } from '../../usage-rows.ts';
import type { WriteBatcher } from '../write-batcher.ts';

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
export function createSqliteUsage(sqlite: Database.Database, batcher: WriteBatcher): SoftwareUsage {
  const keyOf = sqlite.prepare<[string], { key: number }>('select key from devices where id = ?');
  const sourcesOf = sqlite.prepare<[number], { sources: string | null }>(
    'select sources from device_usage where device_key = ?',
  );
  const ensureRow = sqlite.prepare<[number, string]>(
    `insert into device_usage (device_key, updated_at) values (?, ?) on conflict (device_key) do nothing`,
  );
  const setSources = sqlite.prepare<[string | null, string, number]>(
    'update device_usage set sources = ?, updated_at = ? where device_key = ?',
  );
  const setLogins = sqlite.prepare<[string | null, string | null, number, string, number]>(
    `update device_usage set last_login_at = coalesce(?, last_login_at), last_login_user = coalesce(?, last_login_user),
       sessions_open = ?, updated_at = ? where device_key = ?`,
  );
  const clearEntries = sqlite.prepare<[number]>('delete from software_usage where device_key = ?');
  // A day only moves forward: a late or repeated message never takes one back.
  const upsert = sqlite.prepare<[number, string, string, string, string, string, string]>(
    `insert into software_usage (device_key, source, name, arch, user_name, last_used, via) values (?, ?, ?, ?, ?, ?, ?)
     on conflict (device_key, source, name, arch, user_name) do update set last_used = excluded.last_used, via = excluded.via
     where excluded.last_used > software_usage.last_used`,
  );

  function write(deviceId: string, report: UsageReport, now: Date): void {
    const device = keyOf.get(deviceId);
    if (!device) return;
    const at = now.toISOString();
    ensureRow.run(device.key, at);
    if (report.kind === 'full' || report.sources) {
      const raw = sourcesOf.get(device.key)?.sources;
      const before = raw ? (JSON.parse(raw) as UsageSourceState[]) : null;
      const sources = report.sources ? keptSources(before, report.sources) : null;
      setSources.run(sources ? JSON.stringify(sources) : null, at, device.key);
    }
    if (report.kind === 'full') clearEntries.run(device.key);
    for (const e of report.entries ?? []) {
      upsert.run(device.key, e.source, e.name, e.arch ?? '', e.user ?? '', e.lastUsed, e.via);
    }
    if (report.logins) {
      const l = report.logins;
      setLogins.run(l.lastLoginAt, l.lastLoginAt ? l.lastLoginUser : null, l.sessionsOpen ? 1 : 0, at, device.key);
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

    async activity(): Promise<DeviceActivity[]> {
      return activityRows.all().map((r) => ({ ...r, sessionsOpen: r.sessionsOpen === 1 }));
    },
  };
}
