import type { LinkMethod } from '@stocktake/shared/api';
import { asc, desc, eq, getTableColumns, inArray, type SQL, sql } from 'drizzle-orm';
import { manualLink, manualUnlink } from '../../../domain/matching/decide.ts';
import type { DeviceLink } from '../../../domain/matching/lookups.ts';
import { ASSET_FACT_KEYS, DEVICE_FACT_KEYS, linkedDeviceColumns, pickColumns } from '../../common/fact-columns.ts';
import { LINK_FROM_EXCLUDED } from '../../common/link-rows.ts';
import { indexMatchingFacts, type MatchingSnapshot } from '../../common/matching-index.ts';
import {
  type FillStep,
  type LinkStep,
  type MatchResult,
  type MatchStep,
  planMatching,
} from '../../common/matching-plan.ts';
import { writeAudits } from '../audit/audit-repository.ts';
import type { Executor, Tx } from '../connection.ts';
import { assetMacs, assets, deviceAssetLinks, devices } from '../schema/index.ts';

export type { MatchResult } from '../../common/matching-plan.ts';

const DEVICE_FACTS = pickColumns(devices, DEVICE_FACT_KEYS);
const ASSET_FACTS = pickColumns(assets, ASSET_FACT_KEYS);

/** Device keys as one array parameter, so a statement's text does not grow with their number. */
export const keyArray = (keys: readonly number[]) => sql`${`{${keys.join(',')}}`}::int[]`;

/** `select ... where <identifier> in (the identifiers of devices keyed k)`, for each identifier, as one union. */
const sharingIdentifiers = (select: string, k: SQL) =>
  sql.join(
    ['serial_key', 'uuid_key', 'hostname_key'].map((column) =>
      sql.raw(`${select} where ${column} in (select ${column} from devices where key = any(`).append(sql`${k}))`),
    ),
    sql` union `,
  );

/**
 * The devices matching must see to decide about `keys` as it would on every row: those, and
 * every device sharing a serial, UUID, host name or MAC with one of them (the counts that make
 * an identifier ambiguous).
 */
function devicesAround(keys: readonly number[]): SQL {
  const k = keyArray(keys);
  return sql`${sharingIdentifiers('select key from devices', k)}
    union select device_key from device_macs where mac in (select mac from device_macs where device_key = any(${k}))
    union select unnest(${k})`;
}

/** The assets their identifiers, their MACs or their links name: every asset matching may ask about for `keys`. */
function assetsAround(keys: readonly number[]): SQL {
  const k = keyArray(keys);
  return sql`${sharingIdentifiers('select id from assets', k)}
    union select asset_id from asset_macs where mac in (select mac from device_macs where device_key = any(${k}))
    union select asset_id from device_asset_links where asset_id is not null and device_key = any(${k})`;
}

// The method first: drizzle reads a left-joined object as absent when its first column is null,
// and a person's unlink is a link with no asset.
const linkColumns = {
  method: deviceAssetLinks.method,
  assetId: deviceAssetLinks.assetId,
  linkedAt: deviceAssetLinks.linkedAt,
  linkedBy: deviceAssetLinks.linkedBy,
};

const linkOfRow = (r: {
  assetId: string | null;
  method: LinkMethod;
  linkedAt: Date;
  linkedBy: string;
}): DeviceLink => ({
  ...r,
  linkedAt: r.linkedAt.toISOString(),
});

/**
 * Devices, their links and the register's identifiers for a matching pass, in two queries: every
 * row (`keys` undefined), or the rows around `keys` (devicesAround, assetsAround). MACs come
 * aggregated with their device or asset, in order.
 */
async function loadFacts(tx: Executor, keys?: readonly number[]): Promise<MatchingSnapshot> {
  const macsOfDevice = sql<
    string[]
  >`coalesce((select array_agg(m.mac order by m.mac) from device_macs m where m.device_key = ${devices.key}), '{}')`;
  const macsOfAsset = sql<
    string[]
  >`coalesce((select array_agg(m.mac order by m.mac) from asset_macs m where m.asset_id = ${assets.id}), '{}')`;
  const deviceRows = await tx
    .select({ ...DEVICE_FACTS, macs: macsOfDevice, link: linkColumns })
    .from(devices)
    .leftJoin(deviceAssetLinks, eq(deviceAssetLinks.deviceKey, devices.key))
    .where(keys ? inArray(devices.key, sql`(${devicesAround(keys)})`) : undefined)
    .orderBy(asc(devices.key));
  const assetRows = await tx
    .select({ ...ASSET_FACTS, macs: macsOfAsset })
    .from(assets)
    .where(keys ? inArray(assets.id, sql`(${assetsAround(keys)})`) : undefined);
  const targets = keys && new Set(keys);
  return indexMatchingFacts({
    devices: deviceRows.map(({ macs: _macs, link: _link, ...facts }) => facts),
    deviceMacs: deviceRows.flatMap((d) => d.macs.map((mac) => ({ deviceKey: d.key, mac }))),
    // Only the devices decided about have their link read: a pass never reads another's.
    links: deviceRows.flatMap(({ key, link }) =>
      link?.method && (!targets || targets.has(key)) ? [{ deviceKey: key, ...linkOfRow(link) }] : [],
    ),
    assets: assetRows.map(({ macs: _macs, ...facts }) => facts),
    assetMacs: assetRows.flatMap((a) => a.macs.map((mac) => ({ assetId: a.id, mac }))),
  });
}

/**
 * Rows one multi-row statement carries at most: a full pass over a large fleet links and fills
 * tens of thousands, and a statement may bind at most 65,535 parameters.
 */
const ROWS_PER_STATEMENT = 1000;

function* chunks<T>(items: readonly T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += ROWS_PER_STATEMENT) yield items.slice(i, i + ROWS_PER_STATEMENT);
}

const ASSET_COLUMNS = getTableColumns(assets);

/**
 * Sets each filled asset's columns, and only those: the fills that set the same columns go
 * together, as rows of one JSON document PostgreSQL reads into the table's own row type.
 */
async function fillAssets(tx: Tx, fills: ReadonlyMap<string, { columns: FillStep['columns']; at: Date }>) {
  const bySet = new Map<string, Record<string, unknown>[]>();
  for (const [assetId, fill] of fills) {
    const keys = Object.keys(fill.columns).sort();
    if (keys.length === 0) continue;
    const row: Record<string, unknown> = { id: assetId, updated_at: fill.at.toISOString() };
    for (const key of keys) row[columnName(key)] = fill.columns[key as keyof FillStep['columns']];
    const group = bySet.get(keys.join(','));
    if (group) group.push(row);
    else bySet.set(keys.join(','), [row]);
  }
  for (const [set, rows] of bySet) {
    const assignments = sql.raw(
      [...set.split(',').map(columnName), 'updated_at'].map((c) => `"${c}" = v."${c}"`).join(', '),
    );
    for (const part of chunks(rows)) {
      await tx.execute(sql`update assets a set ${assignments}
        from jsonb_populate_recordset(null::assets, ${JSON.stringify(part)}::jsonb) v where a.id = v.id`);
    }
  }
}

function columnName(key: string): string {
  const column = ASSET_COLUMNS[key as keyof typeof ASSET_COLUMNS];
  if (!column) throw new Error(`assets has no column ${key}`);
  return column.name;
}

/**
 * Writes the steps a pass decided, a few statements whatever their number: every device's last
 * link (upserted together, dropped together), each filled asset's columns, the filled MACs, and
 * the audit entries in the order they were decided.
 */
async function applySteps(tx: Tx, steps: readonly MatchStep[]): Promise<void> {
  if (steps.length === 0) return;
  const lastLink = new Map<number, LinkStep>();
  const fills = new Map<string, { columns: FillStep['columns']; macs: string[] | undefined; at: Date }>();
  for (const step of steps) {
    if (step.kind === 'link') {
      lastLink.set(step.deviceKey, step);
      continue;
    }
    const earlier = fills.get(step.assetId);
    fills.set(step.assetId, {
      columns: { ...earlier?.columns, ...step.columns },
      macs: step.macs ?? earlier?.macs,
      at: step.at,
    });
  }
  const upserts = [...lastLink.values()].flatMap((s) =>
    s.next
      ? [{ deviceKey: s.deviceKey, assetId: s.next.assetId, method: s.next.method, linkedAt: s.at, linkedBy: s.actor }]
      : [],
  );
  const drops = [...lastLink.values()].filter((s) => !s.next).map((s) => s.deviceKey);
  for (const part of chunks(upserts)) {
    await tx.insert(deviceAssetLinks).values(part).onConflictDoUpdate({
      target: deviceAssetLinks.deviceKey,
      set: LINK_FROM_EXCLUDED,
    });
  }
  for (const part of chunks(drops)) await tx.delete(deviceAssetLinks).where(inArray(deviceAssetLinks.deviceKey, part));
  await fillAssets(tx, fills);
  const newMacs = [...fills].filter(([, f]) => f.macs !== undefined);
  for (const part of chunks(newMacs.map(([id]) => id)))
    await tx.delete(assetMacs).where(inArray(assetMacs.assetId, part));
  const rows = newMacs.flatMap(([assetId, f]) => (f.macs ?? []).map((mac) => ({ assetId, mac })));
  for (const part of chunks(rows)) await tx.insert(assetMacs).values(part);
  await writeAudits(
    tx,
    steps.map((s) => s.audit),
  );
}

/**
 * Takes the devices' rows for the rest of the transaction, in key order, so that a person's link,
 * an admin's merge and an ingest's matching of one device on two collectors never decide on what
 * the other is changing.
 */
export async function lockDevices(tx: Tx, keys: readonly number[]): Promise<void> {
  if (keys.length === 0) return;
  await tx
    .select({ key: devices.key })
    .from(devices)
    .where(inArray(devices.key, [...keys]))
    .orderBy(asc(devices.key))
    .for('update');
}

/**
 * Links discovered devices to register assets on PostgreSQL, deciding as the SQLite engine does
 * (domain/matching/decide.ts through common/matching-plan.ts): the facts are read in two
 * queries around the devices matched (or for every device in a full pass), the decisions made in
 * memory, and the writes made together. Everything runs in the caller's transaction.
 */
export function createMatcher() {
  async function pass(tx: Tx, keys: readonly number[] | undefined, now: Date) {
    const facts = await loadFacts(tx, keys);
    const steps: MatchStep[] = [];
    const planner = planMatching(facts, (step) => steps.push(step));
    const order = keys ? [...new Set(keys)].sort((a, b) => a - b) : facts.deviceKeys;
    const results = order.map((key) => planner.matchOne(key, now));
    await applySteps(tx, steps);
    return results;
  }

  async function linkOf(db: Executor, deviceKey: number): Promise<DeviceLink | undefined> {
    const [row] = await db.select(linkColumns).from(deviceAssetLinks).where(eq(deviceAssetLinks.deviceKey, deviceKey));
    return row && linkOfRow(row);
  }

  /** A person's link or unlink, decided on the device's facts with its row locked. */
  async function manually(
    tx: Tx,
    deviceKey: number,
    decide: (current: DeviceLink | undefined) => { next: LinkStep['next']; context: string } | undefined,
    actor: string,
    now: Date,
  ) {
    await lockDevices(tx, [deviceKey]);
    const facts = await loadFacts(tx, [deviceKey]);
    const device = facts.device(deviceKey);
    if (!device) throw new Error(`no device with key ${deviceKey}`);
    const steps: MatchStep[] = [];
    const planner = planMatching(facts, (step) => steps.push(step));
    const current = facts.link(deviceKey);
    const change = decide(current);
    if (change) planner.writeLink(device, current, change.next, actor, now, change.context);
    return { device, planner, steps };
  }

  return {
    linkOf,

    /** Matches these devices (in key order, as one at a time would); the caller holds the transaction. */
    matchDevices: (tx: Tx, keys: readonly number[], now: Date): Promise<MatchResult[]> =>
      keys.length === 0 ? Promise.resolve([]) : pass(tx, keys, now),

    /** Matches every device again, in key order, on facts read once. */
    async matchAll(tx: Tx, now: Date): Promise<{ devices: number; changed: number; linked: number }> {
      const results = await pass(tx, undefined, now);
      return {
        devices: results.length,
        changed: results.filter((r) => r.changed).length,
        linked: results.filter((r) => r.assetId).length,
      };
    },

    /**
     * The devices an asset's identifiers point at, and those linked to it: matched again after the
     * asset was created, changed or is about to go.
     */
    async devicesForAsset(tx: Executor, assetId: string): Promise<number[]> {
      const rows = await tx.execute<{ key: number }>(sql`
        select device_key as key from device_asset_links where asset_id = ${assetId}
        union select d.key from devices d join assets a on a.id = ${assetId}
          and (d.serial_key = a.serial_key or d.uuid_key = a.uuid_key or d.hostname_key = a.hostname_key)
        union select dm.device_key from device_macs dm join asset_macs am on am.mac = dm.mac and am.asset_id = ${assetId}
        order by key`);
      return rows.rows.map((r) => Number(r.key));
    },

    /** A person's link: kept until they change it, whatever discovery finds. */
    async linkManually(tx: Tx, deviceKey: number, assetId: string, actor: string, now: Date): Promise<DeviceLink> {
      const { device, planner, steps } = await manually(
        tx,
        deviceKey,
        (current) => manualLink(current, assetId),
        actor,
        now,
      );
      planner.fillAsset(assetId, device, 'manual', now);
      await applySteps(tx, steps);
      const link = await linkOf(tx, deviceKey);
      if (!link) throw new Error('link vanished');
      return link;
    },

    /**
     * A person's unlink sticks: discovery leaves the device unlinked. With `rediscover`, the
     * device goes back to discovery instead, which matches it again at once.
     */
    async unlinkManually(
      tx: Tx,
      deviceKey: number,
      actor: string,
      options: { rediscover?: boolean },
      now: Date,
    ): Promise<void> {
      const rediscover = options.rediscover === true;
      const { steps } = await manually(tx, deviceKey, (current) => manualUnlink(current, rediscover), actor, now);
      await applySteps(tx, steps);
      if (rediscover) await pass(tx, [deviceKey], now);
    },

    /** Devices linked to an asset, most recently seen first. */
    async devicesOfAsset(db: Executor, assetId: string) {
      const rows = await db
        .select(linkedDeviceColumns(devices, deviceAssetLinks))
        .from(deviceAssetLinks)
        .innerJoin(devices, eq(devices.key, deviceAssetLinks.deviceKey))
        .where(eq(deviceAssetLinks.assetId, assetId))
        .orderBy(desc(devices.lastSeenAt));
      return rows.map((r) => ({ ...r, linkedAt: r.linkedAt.toISOString(), lastSeenAt: r.lastSeenAt.toISOString() }));
    },
  };
}

export type Matcher = ReturnType<typeof createMatcher>;
