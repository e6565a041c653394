import { and, asc, eq, gte, sql } from 'drizzle-orm';
import type {
  AssetFact,
  DeviceFact,
  FactSource,
  HardwareRemoval,
  IdentityConflict,
  LicenseFact,
} from '../../../domain/findings/ports.ts';
import {
  type CountedDevice,
  type InstallCounts,
  type LicenseSeatCount,
  licenseUsages,
} from '../../../domain/licenses/compliance.ts';
import type { License } from '../../../domain/licenses/license-model.ts';
import { type CatalogueEntry, userKey } from '../../../domain/licenses/license-usage.ts';
import { entitlementOf, poolsOf } from '../../../domain/licenses/positions.ts';
import type { Db, Executor, Tx } from '../connection.ts';
import {
  assetStatusEvents,
  assets,
  deviceAssetLinks,
  deviceChanges,
  devicePatchTracking,
  devices,
} from '../schema/index.ts';

/** An array as one parameter (node-postgres writes it as an array literal), so a statement's text does not grow with it. */
const array = <T>(values: readonly T[]) => sql.param(values);

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

/** What the fact source needs from the rest of the engine: matching, conflicts and the licenses. */
export interface PostgresFactSourceDeps {
  matcher: { matchAll(tx: Tx, now: Date): Promise<{ devices: number; changed: number; linked: number }> };
  conflicts: { all(): Promise<IdentityConflict[]> };
  licenses: { all(): Promise<License[]> };
}

/** Every device with its patch facts, its tracked security backlog and its link, in one query. */
async function deviceFacts(db: Executor): Promise<DeviceFact[]> {
  const rows = await db
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
      lastPackageChange: sql<string | null>`${devices.patches}->>'lastPackageChange'`,
      lastInstall: sql<string | null>`${devices.patches}->>'lastInstall'`,
      oldestPendingSecuritySince: sql<string | null>`${devices.patches}->>'oldestPendingSecuritySince'`,
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
    .orderBy(asc(devices.key));
  return rows.map((r) => ({
    ...r,
    lastSeenAt: r.lastSeenAt.toISOString(),
    trackedSecuritySince: iso(r.trackedSecuritySince),
  }));
}

/** Every asset with when it entered its status and the latest contact of a device linked to it. */
async function assetFacts(db: Executor): Promise<AssetFact[]> {
  // The device seen last per asset: DISTINCT ON keeps the first row of each asset in this order.
  const lastContact = sql`(select distinct on (l.asset_id) l.asset_id, d.id as device_id, d.hostname,
      d.last_seen_at
    from ${deviceAssetLinks} l join ${devices} d on d.key = l.device_key
    where l.asset_id is not null
    order by l.asset_id, d.last_seen_at desc, d.key)`;
  const rows = await db
    .select({
      id: assets.id,
      assetTag: assets.assetTag,
      name: assets.name,
      serial: assets.serial,
      status: assets.status,
      createdAt: assets.createdAt,
      warrantyEnd: assets.warrantyEnd,
      statusSince: sql<Date>`coalesce((select max(e.at) from ${assetStatusEvents} e
        where e.asset_id = ${assets.id} and e.to_status = ${assets.status}), ${assets.createdAt})`.mapWith(
        assets.createdAt,
      ),
      lastDeviceId: sql<string | null>`lc.device_id`,
      lastDeviceHostname: sql<string | null>`lc.hostname`,
      lastSeenAt: sql<Date | null>`lc.last_seen_at`.mapWith(devices.lastSeenAt),
    })
    .from(assets)
    .leftJoin(sql`${lastContact} lc`, sql`lc.asset_id = ${assets.id}`)
    .orderBy(asc(assets.createdAt), sql`${assets.id} collate "C"`);
  return rows.map((r) => ({
    ...r,
    createdAt: r.createdAt.toISOString(),
    statusSince: r.statusSince.toISOString(),
    lastSeenAt: iso(r.lastSeenAt),
  }));
}

type ComponentRow = {
  device_key: number;
  kind: string;
  key: string;
  label: string | null;
  serial: string | null;
  vendor: string | null;
  model: string | null;
  size_bytes: string | number | null;
};

/**
 * The latest removal of each component recorded since `since`, with the component under the
 * same key the device has now, if any: the removals in one query, the components now in another.
 */
async function hardwareRemovals(db: Executor, since: string): Promise<HardwareRemoval[]> {
  const rows = await db
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
    .where(and(eq(deviceChanges.kind, 'hardware_removed'), gte(deviceChanges.observedAt, new Date(since))))
    .orderBy(asc(deviceChanges.id));
  const latest = new Map<string, HardwareRemoval>();
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
      observedAt: r.observedAt.toISOString(),
      current: null,
    });
  }
  if (latest.size === 0) return [];
  const wanted = [...latest.values()];
  const { rows: now } = await db.execute<ComponentRow>(sql`
    select c.device_key, c.kind, c.key, c.label, c.serial, c.vendor, c.model, c.size_bytes
    from unnest(${array(wanted.map((r) => r.deviceKey))}::int[], ${array(wanted.map((r) => r.kind))}::text[],
      ${array(wanted.map((r) => r.key))}::text[]) as w(device_key, kind, key)
    join device_components c on c.device_key = w.device_key and c.kind = w.kind and c.key = w.key`);
  for (const c of now) {
    const removal = latest.get(`${c.device_key}\u0000${c.kind}\u0000${c.key}`);
    if (!removal) continue;
    const value: Record<string, unknown> = { kind: c.kind, key: c.key };
    if (c.label !== null) value.label = c.label;
    if (c.serial !== null) value.serial = c.serial;
    if (c.vendor !== null) value.vendor = c.vendor;
    if (c.model !== null) value.model = c.model;
    if (c.size_bytes !== null) value.sizeBytes = Number(c.size_bytes);
    removal.current = value;
  }
  return wanted;
}

/** The software catalogue, every package version known. */
async function catalogue(db: Executor): Promise<CatalogueEntry[]> {
  const { rows } = await db.execute<{
    id: number;
    name: string;
    version: string;
    publisher: string | null;
    source: string;
  }>(sql`select id, name, version, publisher, source from software_catalog order by id`);
  return rows as CatalogueEntry[];
}

/**
 * Seats used per position: installs of the catalogue entries each position (by key) matches, on
 * the present devices, as distinct devices and distinct users. The positions' matches and the
 * present devices come as arrays, unnested into rows: one statement, whatever their number. A
 * position goes by its index (its key holds a NUL, which PostgreSQL text cannot).
 */
async function licenseUsage(
  db: Executor,
  matches: ReadonlyMap<string, readonly number[]>,
  present: ReadonlyMap<number, string>,
): Promise<LicenseSeatCount[]> {
  const keys = [...matches.keys()];
  const positions: number[] = [];
  const softwareIds: number[] = [];
  keys.forEach((key, position) => {
    for (const id of matches.get(key) ?? []) {
      positions.push(position);
      softwareIds.push(id);
    }
  });
  if (softwareIds.length === 0 || present.size === 0) return [];
  const { rows } = await db.execute<{ position: number; devices: number; users: number }>(sql`
    with ls as (
      select distinct position, software_id
      from unnest(${array(positions)}::int[], ${array(softwareIds)}::int[]) as m(position, software_id)
    ), du as (
      select * from unnest(${array([...present.keys()])}::int[], ${array([...present.values()])}::text[])
        as p(device_key, user_key)
    )
    select ls.position, count(distinct ds.device_key)::int as devices, count(distinct du.user_key)::int as users
    from ls
    join device_software ds on ds.software_id = ls.software_id
    join du on du.device_key = ds.device_key
    group by ls.position`);
  return rows.map((r) => ({ key: keys[r.position] as string, devices: r.devices, users: r.users }));
}

/** The present devices (seen since `since`) with an install among `softwareIds`, and what they have installed. */
async function installsOf(db: Executor, softwareIds: readonly number[], since: string): Promise<CountedDevice[]> {
  if (softwareIds.length === 0) return [];
  // Ordered bytewise ("C"), as SQLite orders text, whatever the database's collation.
  const { rows } = await db.execute<{
    device_id: string;
    hostname: string;
    last_seen_at: Date | string;
    primary_user: string | null;
    assignee_username: string | null;
    assignee_email: string | null;
    software: string[];
  }>(sql`
    select d.id as device_id, d.hostname, d.last_seen_at, d.primary_user,
      a.assignee_username, a.assignee_email,
      array_agg(sc.name || ' ' || sc.version) as software
    from device_software ds
    join software_catalog sc on sc.id = ds.software_id
    join devices d on d.key = ds.device_key
    left join device_asset_links l on l.device_key = d.key
    left join assets a on a.id = l.asset_id
    where ds.software_id = any(${array(softwareIds)}::int[]) and d.last_seen_at > ${since}::timestamptz
    group by d.key, a.id
    order by d.hostname collate "C", d.id collate "C"`);
  return rows.map((r) => ({
    deviceId: r.device_id,
    hostname: r.hostname,
    lastSeenAt: new Date(r.last_seen_at).toISOString(),
    user: userKey(r.primary_user, r.assignee_username, r.assignee_email) ?? null,
    software: [...new Set(r.software)].sort(),
  }));
}

/** The install counts over `db`: the pool, or the repeatable-read transaction of one consistent count. */
function installCountsOn(db: Db, on: Executor = db): InstallCounts {
  return {
    catalogue: () => catalogue(on),
    licenseUsage: (matches, present) => licenseUsage(on, matches, present),
    installsOf: (softwareIds, since) => installsOf(on, softwareIds, since),
    // One snapshot for every read of the count: an install arriving meanwhile is wholly in or out.
    consistently: (work) =>
      db.transaction((tx) => work(installCountsOn(db, tx)), {
        isolationLevel: 'repeatable read',
        accessMode: 'read only',
      }),
  };
}

/** Coverage: in-use assets (the statuses given) and how many a device linked to them reported since `since`. */
async function coverage(db: Executor, statuses: readonly string[], since: string) {
  const { rows } = await db.execute<{ in_use: number; seen: number }>(sql`
    select count(*)::int as in_use,
      count(*) filter (where exists (select 1 from device_asset_links l join devices d on d.key = l.device_key
        where l.asset_id = a.id and d.last_seen_at >= ${since}::timestamptz))::int as seen
    from assets a where a.status = any(${array(statuses)}::text[])`);
  const row = rows[0];
  return { inUse: row?.in_use ?? 0, seen: row?.seen ?? 0 };
}

/**
 * The facts of a reconciliation run, read from PostgreSQL as the SQLite engine reads them: each
 * a set-based query, never one per device.
 */
export function createReconciliationSource(db: Db, deps: PostgresFactSourceDeps): FactSource {
  const installs = installCountsOn(db);
  return {
    installs,
    matchAll: (now) => db.transaction((tx) => deps.matcher.matchAll(tx, now)),
    /**
     * Remembers since when each device has had security updates pending, as this collector
     * first saw it (the snapshot that showed it), and forgets it once none are pending.
     */
    trackSecurityPending: () =>
      db.transaction(async (tx) => {
        await tx.execute(sql`
          insert into ${devicePatchTracking} (device_key, security_pending_since)
          select d.key, coalesce(d.last_collected_at, d.last_seen_at) from ${devices} d
          where d.pending_security_updates > 0
          on conflict (device_key) do nothing`);
        await tx.execute(sql`
          delete from ${devicePatchTracking}
          where device_key in (select key from ${devices} where pending_security_updates = 0)`);
      }),
    devices: () => deviceFacts(db),
    assets: () => assetFacts(db),
    conflicts: () => deps.conflicts.all(),
    hardwareRemovals: (since) => hardwareRemovals(db, since),
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
    coverage: (statuses, since) => coverage(db, statuses, since),
  };
}
