import { and, eq, ne, sql } from 'drizzle-orm';
import { manualLink, manualUnlink } from '../../../domain/matching/decide.ts';
import { type DeviceLink, IDENTIFIER_COLUMNS, type IdentifierColumn } from '../../../domain/matching/lookups.ts';
import type { AssetColumns } from '../../common/asset-rows.ts';
import { linkedDeviceColumns } from '../../common/fact-columns.ts';
import { LINK_FROM_EXCLUDED } from '../../common/link-rows.ts';
import { type MatchResult, type MatchStep, planMatching } from '../../common/matching-plan.ts';
import type { AuditLog } from '../audit/audit-repository.ts';
import type { Db } from '../open-database.ts';
import { assetMacs, assets, deviceAssetLinks, deviceMacs, devices } from '../schema/index.ts';
import { ASSET_FACT_COLUMNS, DEVICE_FACT_COLUMNS } from './fact-columns.ts';
import { loadMatchingSnapshot, type MatchingReads } from './matching-snapshot.ts';

export type { DeviceLink } from '../../../domain/matching/lookups.ts';

export type { MatchResult } from '../../common/matching-plan.ts';

/** A list of MACs as one statement parameter (JSON), so the statement is prepared once. */
const macList = (macs: readonly string[]) => JSON.stringify(macs);
const inMacs = (column: typeof assetMacs.mac) =>
  sql`${column} in (select value from json_each(${sql.placeholder('macs')}))`;

/**
 * The matcher's reads and link writes, built by drizzle and compiled by SQLite once per
 * database: a reconciliation run makes about 15 of them per device, and building and compiling
 * each anew cost 30 times more than running it (docs/benchmarks.md, reconciliation).
 */
function prepareAssetUpdate(db: Db, columns: readonly (keyof AssetColumns)[]) {
  // set() takes SQL, not bare placeholders.
  const set = Object.fromEntries(columns.map((c) => [c, sql`${sql.placeholder(c)}`]));
  return db
    .update(assets)
    .set({ ...set, updatedAt: sql`${sql.placeholder('updatedAt')}` })
    .where(eq(assets.id, sql.placeholder('assetId')))
    .prepare();
}

function prepareStatements(db: Db) {
  const deviceKey = sql.placeholder('deviceKey');
  const assetId = sql.placeholder('assetId');
  const value = sql.placeholder('value');
  const updates = new Map<string, ReturnType<typeof prepareAssetUpdate>>();
  const byColumn = <T>(build: (column: IdentifierColumn) => T) =>
    Object.fromEntries(IDENTIFIER_COLUMNS.map((c) => [c, build(c)])) as Record<IdentifierColumn, T>;
  return {
    device: db.select(DEVICE_FACT_COLUMNS).from(devices).where(eq(devices.key, deviceKey)).prepare(),
    deviceMacs: db
      .select({ mac: deviceMacs.mac })
      .from(deviceMacs)
      .where(eq(deviceMacs.deviceKey, deviceKey))
      .orderBy(deviceMacs.mac)
      .prepare(),
    link: db
      .select({
        assetId: deviceAssetLinks.assetId,
        method: deviceAssetLinks.method,
        linkedAt: deviceAssetLinks.linkedAt,
        linkedBy: deviceAssetLinks.linkedBy,
      })
      .from(deviceAssetLinks)
      .where(eq(deviceAssetLinks.deviceKey, deviceKey))
      .prepare(),
    anotherDevice: byColumn((column) =>
      db
        .select({ key: devices.key })
        .from(devices)
        .where(and(eq(devices[column], value), ne(devices.key, deviceKey)))
        .limit(1)
        .prepare(),
    ),
    assetsWith: byColumn((column) =>
      db
        .select({ id: assets.id, serialKey: assets.serialKey, uuidKey: assets.uuidKey })
        .from(assets)
        .where(eq(assets[column], value))
        .limit(2)
        .prepare(),
    ),
    otherAsset: byColumn((column) =>
      db
        .select({ id: assets.id })
        .from(assets)
        .where(and(eq(assets[column], value), ne(assets.id, assetId)))
        .limit(1)
        .prepare(),
    ),
    macOfAnotherDevice: db
      .select({ k: deviceMacs.deviceKey })
      .from(deviceMacs)
      .where(and(eq(deviceMacs.mac, value), ne(deviceMacs.deviceKey, deviceKey)))
      .limit(1)
      .prepare(),
    assetsWithMacs: db
      .selectDistinct({ id: assets.id, serialKey: assets.serialKey, uuidKey: assets.uuidKey })
      .from(assetMacs)
      .innerJoin(assets, eq(assets.id, assetMacs.assetId))
      .where(inMacs(assetMacs.mac))
      .limit(2)
      .prepare(),
    asset: db.select(ASSET_FACT_COLUMNS).from(assets).where(eq(assets.id, assetId)).prepare(),
    assetKeys: db
      .select({ serialKey: assets.serialKey, uuidKey: assets.uuidKey, hostnameKey: assets.hostnameKey })
      .from(assets)
      .where(eq(assets.id, assetId))
      .prepare(),
    devicesLinkedTo: db
      .select({ key: deviceAssetLinks.deviceKey })
      .from(deviceAssetLinks)
      .where(eq(deviceAssetLinks.assetId, assetId))
      .prepare(),
    devicesWith: byColumn((column) =>
      db.select({ key: devices.key }).from(devices).where(eq(devices[column], value)).prepare(),
    ),
    devicesSharingMacs: db
      .select({ key: deviceMacs.deviceKey })
      .from(deviceMacs)
      .innerJoin(assetMacs, eq(assetMacs.mac, deviceMacs.mac))
      .where(eq(assetMacs.assetId, assetId))
      .prepare(),
    assetMacs: db
      .select({ mac: assetMacs.mac })
      .from(assetMacs)
      .where(eq(assetMacs.assetId, assetId))
      .orderBy(assetMacs.mac)
      .prepare(),
    macsOnOtherAssets: db
      .select({ mac: assetMacs.mac })
      .from(assetMacs)
      .where(and(inMacs(assetMacs.mac), ne(assetMacs.assetId, assetId)))
      .prepare(),
    upsertLink: db
      .insert(deviceAssetLinks)
      .values({
        deviceKey,
        assetId: sql.placeholder('linkAssetId'),
        method: sql.placeholder('method'),
        linkedAt: sql.placeholder('at'),
        linkedBy: sql.placeholder('actor'),
      })
      .onConflictDoUpdate({
        target: deviceAssetLinks.deviceKey,
        set: LINK_FROM_EXCLUDED,
      })
      .prepare(),
    deleteLink: db.delete(deviceAssetLinks).where(eq(deviceAssetLinks.deviceKey, deviceKey)).prepare(),
    deleteAssetMacs: db.delete(assetMacs).where(eq(assetMacs.assetId, assetId)).prepare(),
    insertAssetMac: db
      .insert(assetMacs)
      .values({ assetId, mac: sql.placeholder('mac') })
      .prepare(),
    /** The update of these asset columns (discovery fills a few, in a handful of combinations). */
    updateAsset: (columns: readonly (keyof AssetColumns)[]) => {
      const key = columns.join(',');
      let statement = updates.get(key);
      if (!statement) {
        statement = prepareAssetUpdate(db, columns);
        updates.set(key, statement);
      }
      return statement;
    },
  };
}

type Statements = ReturnType<typeof prepareStatements>;

/** The lookups answered by SQL, one device at a time. */
function sqlLookups(q: Statements): MatchingReads {
  return {
    device(deviceKey) {
      const row = q.device.get({ deviceKey });
      if (!row) return undefined;
      return { ...row, macs: q.deviceMacs.all({ deviceKey }).map((r) => r.mac) };
    },
    link: (deviceKey) => q.link.get({ deviceKey }),
    anotherDevice: (column, value, deviceKey) => q.anotherDevice[column].get({ value, deviceKey }) !== undefined,
    macOfAnotherDevice: (mac, deviceKey) => q.macOfAnotherDevice.get({ value: mac, deviceKey }) !== undefined,
    assetsWith: (column, value) => q.assetsWith[column].all({ value }),
    assetsWithMacs: (macs) => q.assetsWithMacs.all({ macs: macList(macs) }),
    asset: (assetId) => q.asset.get({ assetId }),
    otherAssetHas: (column, value, assetId) => q.otherAsset[column].get({ value, assetId }) !== undefined,
    assetMacs: (assetId) => q.assetMacs.all({ assetId }).map((r) => r.mac),
    macsOnOtherAssets: (macs, assetId) =>
      new Set(q.macsOnOtherAssets.all({ macs: macList(macs), assetId }).map((r) => r.mac)),
    assetUpdated: () => {},
  };
}

/** The matcher's writes (common/matching-plan.ts) made at once, over either kind of lookups. */
function matchingCore(audit: AuditLog, q: Statements, look: MatchingReads) {
  return planMatching(look, (step: MatchStep) => {
    if (step.kind === 'link') {
      const { next, deviceKey } = step;
      if (next) {
        const at = step.at.toISOString();
        q.upsertLink.run({ deviceKey, linkAssetId: next.assetId, method: next.method, at, actor: step.actor });
      } else {
        q.deleteLink.run({ deviceKey });
      }
    } else {
      const { assetId, columns, macs } = step;
      const names = (Object.keys(columns) as (keyof AssetColumns)[]).sort();
      if (names.length > 0) q.updateAsset(names).run({ ...columns, updatedAt: step.at.toISOString(), assetId });
      if (macs) {
        // As assetWriteStatements (asset-rows.ts) does, on statements prepared once.
        q.deleteAssetMacs.run({ assetId });
        for (const mac of macs) q.insertAssetMac.run({ assetId, mac });
      }
    }
    audit.write(step.audit);
  });
}

/**
 * Links discovered devices to register assets. Evidence in order of trust: serial, hardware
 * UUID, MAC, host name. An identifier counts only when it names one device and one asset:
 * a serial or UUID several devices report (clones, junk firmware), a MAC several devices
 * report (a USB dock), a host name two machines carry, or a value two assets carry, is
 * skipped rather than guessed at. A weaker match is refused when a stronger identifier on
 * both sides disagrees (same host name, different serial: another machine). A person's link
 * or unlink (`manual`) is never touched.
 */
export function createMatcher(db: Db, audit: AuditLog) {
  const q = prepareStatements(db);
  const look = sqlLookups(q);
  const { fillAsset, writeLink, matchOne } = matchingCore(audit, q, look);
  const deviceFacts = look.device;
  const linkOf = look.link;

  function matchDevice(deviceKey: number, now = new Date()): MatchResult {
    return db.transaction(() => matchOne(deviceKey, now));
  }

  return {
    linkOf,
    matchDevice,

    /**
     * Matches every device again, for reconciliation runs: one write transaction, devices in
     * key order as one at a time would, but every lookup answered from a snapshot read at its
     * start, so only the links and assets that change cost a statement.
     */
    matchAll(now = new Date()): { devices: number; changed: number; linked: number } {
      return db.transaction(
        () => {
          const snapshot = loadMatchingSnapshot(db);
          const pass = matchingCore(audit, q, snapshot);
          const totals = { devices: 0, changed: 0, linked: 0 };
          for (const key of snapshot.deviceKeys) {
            const result = pass.matchOne(key, now);
            totals.devices++;
            if (result.changed) totals.changed++;
            if (result.assetId) totals.linked++;
          }
          return totals;
        },
        { behavior: 'immediate' },
      );
    },

    /**
     * Matches again the devices an asset's identifiers point at, and those linked to it, after
     * the asset was created, changed or is about to go.
     */
    matchDevicesForAsset(assetId: string, now = new Date()): void {
      // Every asset an import writes comes here: on statements prepared once, as a query built
      // anew costs more than running it.
      const asset = q.assetKeys.get({ assetId });
      const keys = new Set<number>();
      for (const r of q.devicesLinkedTo.all({ assetId })) keys.add(r.key);
      if (asset) {
        for (const column of IDENTIFIER_COLUMNS) {
          const value = asset[column];
          if (!value) continue;
          for (const r of q.devicesWith[column].all({ value })) keys.add(r.key);
        }
        for (const r of q.devicesSharingMacs.all({ assetId })) keys.add(r.key);
      }
      for (const key of keys) matchDevice(key, now);
    },

    /** A person's link: kept until they change it, whatever discovery finds. */
    linkManually(deviceKey: number, assetId: string, actor: string, now = new Date()): DeviceLink {
      return db.transaction(() => {
        const device = deviceFacts(deviceKey);
        if (!device) throw new Error(`no device with key ${deviceKey}`);
        const current = linkOf(deviceKey);
        const change = manualLink(current, assetId);
        if (change) writeLink(device, current, change.next, actor, now, change.context);
        fillAsset(assetId, device, 'manual', now);
        const link = linkOf(deviceKey);
        if (!link) throw new Error('link vanished');
        return link;
      });
    },

    /**
     * A person's unlink sticks: discovery leaves the device unlinked. With `rediscover`, the
     * device goes back to discovery instead, which matches it again at once.
     */
    unlinkManually(deviceKey: number, actor: string, options: { rediscover?: boolean } = {}, now = new Date()): void {
      db.transaction(() => {
        const device = deviceFacts(deviceKey);
        if (!device) throw new Error(`no device with key ${deviceKey}`);
        const current = linkOf(deviceKey);
        const change = manualUnlink(current, options.rediscover === true);
        if (change) writeLink(device, current, change.next, actor, now, change.context);
        if (options.rediscover) matchDevice(deviceKey, now);
      });
    },

    /** Devices linked to an asset, most recently seen first. */
    devicesOfAsset(assetId: string) {
      return db
        .select(linkedDeviceColumns(devices, deviceAssetLinks))
        .from(deviceAssetLinks)
        .innerJoin(devices, eq(devices.key, deviceAssetLinks.deviceKey))
        .where(eq(deviceAssetLinks.assetId, assetId))
        .orderBy(sql`${devices.lastSeenAt} desc`)
        .all();
    },
  };
}

export type Matcher = ReturnType<typeof createMatcher>;
