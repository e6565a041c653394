import type Database from 'better-sqlite3';
import { and, eq, gte, sql } from 'drizzle-orm';
import type {
  AssetFact,
  DeviceFact,
  FactSource,
  HardwareRemoval,
  IdentityConflict,
  LicenseFact,
  MatchingSummary,
} from '../../../domain/findings/ports.ts';
import { type InstallCounts, licenseUsages } from '../../../domain/licenses/compliance.ts';
import type { License } from '../../../domain/licenses/license-model.ts';
import { type CatalogueEntry, userKey } from '../../../domain/licenses/license-usage.ts';
import { entitlementOf, poolsOf } from '../../../domain/licenses/positions.ts';
import type { Db } from '../open-database.ts';
import {
  assetStatusEvents,
  assets,
  deviceAssetLinks,
  deviceChanges,
  deviceComponents,
  devicePatchTracking,
  devices,
} from '../schema/index.ts';

export interface LicenseUsageRow {
  key: string;
  devices: number;
  users: number;
}

export interface CountedDevice {
  deviceId: string;
  hostname: string;
  user: string | null;
  lastSeenAt: string;
  software: string[];
}

/**
 * The reads reconciliation makes, each one pass over a table (or a set-based query), never a
 * query per device. SQLite specifics (json_extract, temp tables, bare columns beside max())
 * stay in here, the one place a PostgreSQL backend has to rewrite.
 */
export function createSqliteReads(db: Db, sqlite: Database.Database) {
  return {
    /**
     * Remembers since when each device has had security updates pending, as this collector
     * first saw it (the snapshot that showed it), and forgets it once none are pending.
     */
    trackSecurityPending(): void {
      db.run(sql`
        insert into ${devicePatchTracking} (device_key, security_pending_since)
        select d.key, coalesce(d.last_collected_at, d.last_seen_at) from ${devices} d
        where d.pending_security_updates > 0
          and not exists (select 1 from ${devicePatchTracking} t where t.device_key = d.key)`);
      db.run(sql`
        delete from ${devicePatchTracking}
        where device_key in (select key from ${devices} where pending_security_updates = 0)`);
    },

    devices(): DeviceFact[] {
      return db
        .select({
          key: devices.key,
          id: devices.id,
          hostname: devices.hostname,
          serial: devices.hardwareSerial,
          lastSeenAt: devices.lastSeenAt,
          primaryUser: devices.primaryUser,
          osFamily: devices.osFamily,
          osName: devices.osName,
          osVersion: devices.osVersion,
          osBuild: devices.osBuild,
          pendingUpdates: devices.pendingUpdates,
          pendingSecurityUpdates: devices.pendingSecurityUpdates,
          lastPackageChange: sql<string | null>`json_extract(${devices.patches}, '$.lastPackageChange')`,
          lastInstall: sql<string | null>`json_extract(${devices.patches}, '$.lastInstall')`,
          oldestPendingSecuritySince: sql<
            string | null
          >`json_extract(${devices.patches}, '$.oldestPendingSecuritySince')`,
          trackedSecuritySince: devicePatchTracking.securityPendingSince,
          assetId: deviceAssetLinks.assetId,
          linkMethod: deviceAssetLinks.method,
          assetSerial: assets.serial,
          assetTag: assets.assetTag,
          assigneeUsername: assets.assigneeUsername,
          assigneeEmail: assets.assigneeEmail,
        })
        .from(devices)
        .leftJoin(devicePatchTracking, eq(devicePatchTracking.deviceKey, devices.key))
        .leftJoin(deviceAssetLinks, eq(deviceAssetLinks.deviceKey, devices.key))
        .leftJoin(assets, eq(assets.id, deviceAssetLinks.assetId))
        .all();
    },

    /** Every asset with when it entered its status and the latest contact of a device linked to it. */
    assets(): AssetFact[] {
      // SQLite returns the other columns of the row that holds max(): the device seen last.
      const lastContact = sql`(select l.asset_id as asset_id, d.id as device_id, d.hostname as hostname,
          max(d.last_seen_at) as last_seen_at
        from ${deviceAssetLinks} l join ${devices} d on d.key = l.device_key
        where l.asset_id is not null group by l.asset_id)`;
      return db
        .select({
          id: assets.id,
          assetTag: assets.assetTag,
          name: assets.name,
          serial: assets.serial,
          status: assets.status,
          createdAt: assets.createdAt,
          warrantyEnd: assets.warrantyEnd,
          statusSince: sql<string>`coalesce((select max(e.at) from ${assetStatusEvents} e
            where e.asset_id = ${assets.id} and e.to_status = ${assets.status}), ${assets.createdAt})`,
          lastDeviceId: sql<string | null>`lc.device_id`,
          lastDeviceHostname: sql<string | null>`lc.hostname`,
          lastSeenAt: sql<string | null>`lc.last_seen_at`,
        })
        .from(assets)
        .leftJoin(sql`${lastContact} lc`, sql`lc.asset_id = ${assets.id}`)
        .all();
    },

    /**
     * The latest removal of each component recorded since `since` (device_changes), with the
     * component under the same key the device has now, if any.
     */
    hardwareRemovals(since: string): HardwareRemoval[] {
      const rows = db
        .select({
          id: deviceChanges.id,
          deviceKey: deviceChanges.deviceKey,
          deviceId: devices.id,
          hostname: devices.hostname,
          subject: deviceChanges.subject,
          before: deviceChanges.before,
          observedAt: deviceChanges.observedAt,
        })
        .from(deviceChanges)
        .innerJoin(devices, eq(devices.key, deviceChanges.deviceKey))
        .where(and(eq(deviceChanges.kind, 'hardware_removed'), gte(deviceChanges.observedAt, since)))
        .orderBy(deviceChanges.id)
        .all();
      const latest = new Map<string, HardwareRemoval>();
      const current = db
        .select()
        .from(deviceComponents)
        .where(
          and(
            eq(deviceComponents.deviceKey, sql.placeholder('deviceKey')),
            eq(deviceComponents.kind, sql.placeholder('kind')),
            eq(deviceComponents.key, sql.placeholder('key')),
          ),
        )
        .prepare();
      for (const r of rows) {
        const before = (r.before ?? {}) as Record<string, unknown>;
        const kind = typeof before.kind === 'string' ? before.kind : undefined;
        const key = typeof before.key === 'string' ? before.key : undefined;
        if (!kind || !key) continue;
        latest.set(`${r.deviceKey}\u0000${kind}\u0000${key}`, {
          deviceKey: r.deviceKey,
          deviceId: r.deviceId,
          hostname: r.hostname,
          kind,
          key,
          subject: r.subject,
          removed: before,
          observedAt: r.observedAt,
          current: null,
        });
      }
      for (const removal of latest.values()) {
        const now = current.get({ deviceKey: removal.deviceKey, kind: removal.kind, key: removal.key });
        if (!now) continue;
        const value: Record<string, unknown> = { kind: now.kind, key: now.key };
        if (now.label !== null) value.label = now.label;
        if (now.serial !== null) value.serial = now.serial;
        if (now.vendor !== null) value.vendor = now.vendor;
        if (now.model !== null) value.model = now.model;
        if (now.sizeBytes !== null) value.sizeBytes = now.sizeBytes;
        removal.current = value;
      }
      return [...latest.values()];
    },

    /** The software catalogue, one row at a time (it can hold hundreds of thousands of versions). */
    *catalogue(): Generator<CatalogueEntry> {
      const statement = sqlite.prepare('select id, name, version, publisher, source from software_catalog');
      yield* statement.iterate() as IterableIterator<CatalogueEntry>;
    },

    /**
     * Seats used per position, counted in the database: installs of the catalogue entries each
     * position (by key) matches, on the devices given (those still present), as distinct devices
     * and as distinct users. `present` gives each present device's user key.
     */
    licenseUsage(
      matches: ReadonlyMap<string, readonly number[]>,
      present: ReadonlyMap<number, string>,
    ): LicenseUsageRow[] {
      return db.transaction(() => {
        sqlite.exec(`
          create temp table if not exists recon_position_software (
            software_id integer not null, position_key text not null, primary key (software_id, position_key)
          ) without rowid;
          create temp table if not exists recon_device_users (device_key integer primary key, user_key text not null);
          delete from recon_position_software;
          delete from recon_device_users;`);
        const addMatch = sqlite.prepare('insert or ignore into recon_position_software values (?, ?)');
        for (const [key, ids] of matches) for (const id of ids) addMatch.run(id, key);
        const addUser = sqlite.prepare('insert into recon_device_users values (?, ?)');
        for (const [deviceKey, user] of present) addUser.run(deviceKey, user);
        // CROSS JOIN pins each join order; left to itself the planner scans all of device_software.
        const aggregate = `select ls.position_key as "key", count(distinct ds.device_key) as devices,
            count(distinct du.user_key) as users`;
        // The index on device_software (software_id, device_key) answers this from the index alone.
        const rows = sqlite
          .prepare(
            `${aggregate}
             from recon_position_software ls
             cross join device_software ds on ds.software_id = ls.software_id
             join recon_device_users du on du.device_key = ds.device_key
             group by ls.position_key`,
          )
          .all() as LicenseUsageRow[];
        sqlite.exec('delete from recon_position_software; delete from recon_device_users;');
        return rows;
      });
    },

    /** The present devices (seen since `since`) with an install among `softwareIds`, and what they have installed. */
    installsOf(softwareIds: readonly number[], since: string): CountedDevice[] {
      if (softwareIds.length === 0) return [];
      const rows = sqlite
        .prepare(
          `select d.id as deviceId, d.hostname as hostname, d.last_seen_at as lastSeenAt, d.primary_user as primaryUser,
             a.assignee_username as assigneeUsername, a.assignee_email as assigneeEmail,
             group_concat(sc.name || ' ' || sc.version, char(10)) as software
           from device_software ds
           join software_catalog sc on sc.id = ds.software_id
           join devices d on d.key = ds.device_key
           left join device_asset_links l on l.device_key = d.key
           left join assets a on a.id = l.asset_id
           where ds.software_id in (select value from json_each(?)) and d.last_seen_at > ?
           group by d.key
           order by d.hostname, d.id`,
        )
        .all(JSON.stringify(softwareIds), since) as {
        deviceId: string;
        hostname: string;
        lastSeenAt: string;
        primaryUser: string | null;
        assigneeUsername: string | null;
        assigneeEmail: string | null;
        software: string;
      }[];
      return rows.map((r) => ({
        deviceId: r.deviceId,
        hostname: r.hostname,
        lastSeenAt: r.lastSeenAt,
        user: userKey(r.primaryUser, r.assigneeUsername, r.assigneeEmail) ?? null,
        software: [...new Set(r.software.split('\n'))].sort(),
      }));
    },

    /** Coverage: in-use assets (the statuses given) and how many a device linked to them reported since `since`. */
    coverage(statuses: readonly string[], since: string): { inUse: number; seen: number } {
      const placeholders = statuses.map(() => '?').join(', ');
      const row = sqlite
        .prepare(
          `select count(*) as inUse,
             sum(case when exists (select 1 from device_asset_links l join devices d on d.key = l.device_key
               where l.asset_id = a.id and d.last_seen_at >= ?) then 1 else 0 end) as seen
           from assets a where a.status in (${placeholders})`,
        )
        .get(since, ...statuses) as { inUse: number; seen: number | null };
      return { inUse: row.inUse, seen: row.seen ?? 0 };
    },
  };
}

export type ReconciliationSource = ReturnType<typeof createSqliteReads>;

/** What the fact source needs from the rest of the store: matching, conflicts and the licenses. */
export interface FactSourceDeps {
  matcher: { matchAll(now: Date): MatchingSummary };
  conflicts: { all(): IdentityConflict[] };
  licenses: { all(): Promise<License[]> };
}

/**
 * The install counts over SQLite's reads. Each read is synchronous underneath and the counts
 * await no I/O between them, so the reads of one count are taken back to back, as before the
 * port was async: `consistently` needs no transaction of its own.
 */
export function installCountsOf(reads: ReconciliationSource): InstallCounts {
  const counts: InstallCounts = {
    catalogue: async () => reads.catalogue(),
    licenseUsage: async (matches, present) => reads.licenseUsage(matches, present),
    installsOf: async (softwareIds, since) => reads.installsOf(softwareIds, since),
    consistently: (work) => work(counts),
  };
  return counts;
}

/** The facts of a run, read from SQLite (synchronous underneath; the port is async for every engine). */
export function createReconciliationSource(
  db: Db,
  sqlite: Database.Database,
  deps: FactSourceDeps,
): FactSource & { reads: ReconciliationSource } {
  const reads = createSqliteReads(db, sqlite);
  const installs = installCountsOf(reads);
  return {
    reads,
    installs,
    matchAll: async (now) => deps.matcher.matchAll(now),
    trackSecurityPending: async () => reads.trackSecurityPending(),
    devices: async () => reads.devices(),
    assets: async () => reads.assets(),
    conflicts: async () => deps.conflicts.all(),
    hardwareRemovals: async (since) => reads.hardwareRemovals(since),
    async licenses(present, progress) {
      const licenses = await deps.licenses.all();
      const usage = await licenseUsages(installs, licenses, present, (step) => {
        if (step === 'license_match') progress?.(step);
      });
      return poolsOf(licenses).map((pool): LicenseFact => {
        const u = usage.get(pool.key);
        return {
          key: pool.key,
          product: pool.product,
          metric: pool.metric,
          used: (pool.metric === 'per_user' ? u?.users : u?.devices) ?? 0,
          entitlements: pool.licenses.map(entitlementOf),
        };
      });
    },
    coverage: async (statuses, since) => reads.coverage(statuses, since),
  };
}
