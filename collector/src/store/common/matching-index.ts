import {
  type AssetFacts,
  type CandidateAsset,
  type DeviceFacts,
  type DeviceLink,
  IDENTIFIER_COLUMNS,
  type IdentifierColumn,
  type MatchLookups,
} from '../../domain/matching/lookups.ts';
import type { AssetColumns } from './asset-rows.ts';
import { ASSET_FACT_KEYS } from './fact-columns.ts';

/** The lookups matching decides on, and the store's notice of what it wrote to an asset. */
export interface MatchingReads extends MatchLookups {
  /** Told after the matcher wrote these columns (and MACs) of an asset. */
  assetUpdated(assetId: string, columns: AssetColumns, macs: readonly string[] | undefined): void;
}

export interface MatchingSnapshot extends MatchingReads {
  /** Every device key read, ascending: the order a pass matches them in. */
  deviceKeys: number[];
}

const countInto = (counts: Map<string, number>, value: string | null) => {
  if (value !== null) counts.set(value, (counts.get(value) ?? 0) + 1);
};

const addTo = <K, V>(index: Map<K, Set<V>>, key: K | null, value: V) => {
  if (key === null) return;
  const set = index.get(key);
  if (set) set.add(value);
  else index.set(key, new Set([value]));
};

const removeFrom = <K, V>(index: Map<K, Set<V>>, key: K | null, value: V) => {
  if (key === null) return;
  const set = index.get(key);
  set?.delete(value);
  if (set?.size === 0) index.delete(key);
};

/** What matching reads of devices and the register, as rows: every row, or those around some devices. */
export interface MatchingRows {
  /** Devices' facts without their MACs, in ascending key order. */
  devices: Iterable<Omit<DeviceFacts, 'macs'>>;
  /** Devices' MACs, in (device, MAC) order. */
  deviceMacs: Iterable<{ deviceKey: number; mac: string }>;
  links: Iterable<DeviceLink & { deviceKey: number }>;
  assets: Iterable<AssetFacts>;
  /** Assets' MACs, in (asset, MAC) order. */
  assetMacs: Iterable<{ assetId: string; mac: string }>;
}

/**
 * Matching's lookups answered from rows read once, rather than about 15 queries a device. Every
 * engine reads the rows in a handful of queries inside the write transaction of the pass, so
 * nothing changes under it but what the pass itself writes, which it reports through
 * assetUpdated (device facts and other devices' links are never read again after their own
 * turn). Rows read around some devices (those sharing an identifier with them, the assets their
 * identifiers or links name) answer every lookup about those devices as all rows would.
 */
export function indexMatchingFacts(rows: MatchingRows): MatchingSnapshot {
  const deviceMap = new Map<number, DeviceFacts>();
  const deviceCounts = Object.fromEntries(IDENTIFIER_COLUMNS.map((c) => [c, new Map<string, number>()])) as Record<
    IdentifierColumn,
    Map<string, number>
  >;
  const deviceKeys: number[] = [];
  for (const row of rows.devices) {
    deviceMap.set(row.key, { ...row, macs: [] });
    deviceKeys.push(row.key);
    for (const c of IDENTIFIER_COLUMNS) countInto(deviceCounts[c], row[c]);
  }
  const macDevices = new Map<string, number>();
  for (const { deviceKey, mac } of rows.deviceMacs) {
    deviceMap.get(deviceKey)?.macs.push(mac);
    countInto(macDevices, mac);
  }
  const links = new Map<number, DeviceLink>();
  for (const { deviceKey, ...link } of rows.links) links.set(deviceKey, link);

  const assetMap = new Map<string, AssetFacts>();
  const assetsBy = Object.fromEntries(IDENTIFIER_COLUMNS.map((c) => [c, new Map<string, Set<string>>()])) as Record<
    IdentifierColumn,
    Map<string, Set<string>>
  >;
  for (const row of rows.assets) {
    assetMap.set(row.id, row);
    for (const c of IDENTIFIER_COLUMNS) addTo(assetsBy[c], row[c], row.id);
  }
  const macsOfAsset = new Map<string, string[]>();
  const assetsByMac = new Map<string, Set<string>>();
  for (const { assetId, mac } of rows.assetMacs) {
    const list = macsOfAsset.get(assetId);
    if (list) list.push(mac);
    else macsOfAsset.set(assetId, [mac]);
    addTo(assetsByMac, mac, assetId);
  }

  const candidate = (id: string): CandidateAsset[] => {
    const a = assetMap.get(id);
    return a ? [{ id: a.id, serialKey: a.serialKey, uuidKey: a.uuidKey }] : [];
  };
  const firstTwo = (ids: Iterable<string>): CandidateAsset[] => {
    const out: CandidateAsset[] = [];
    for (const id of ids) {
      out.push(...candidate(id));
      if (out.length === 2) break;
    }
    return out;
  };

  return {
    deviceKeys,
    device: (key) => deviceMap.get(key),
    link: (key) => links.get(key),
    anotherDevice(column, value, deviceKey) {
      const own = deviceMap.get(deviceKey)?.[column] === value ? 1 : 0;
      return (deviceCounts[column].get(value) ?? 0) - own > 0;
    },
    macOfAnotherDevice(mac, deviceKey) {
      const own = deviceMap.get(deviceKey)?.macs.includes(mac) ? 1 : 0;
      return (macDevices.get(mac) ?? 0) - own > 0;
    },
    assetsWith: (column, value) => firstTwo(assetsBy[column].get(value) ?? []),
    assetsWithMacs(macs) {
      const ids = new Set<string>();
      for (const mac of macs) {
        for (const id of assetsByMac.get(mac) ?? []) ids.add(id);
        if (ids.size >= 2) break;
      }
      return firstTwo(ids);
    },
    asset: (id) => assetMap.get(id),
    otherAssetHas(column, value, assetId) {
      const ids = assetsBy[column].get(value);
      return ids !== undefined && (ids.size > 1 || (ids.size === 1 && !ids.has(assetId)));
    },
    assetMacs: (assetId) => [...(macsOfAsset.get(assetId) ?? [])],
    macsOnOtherAssets(macs, assetId) {
      const out = new Set<string>();
      for (const mac of macs) {
        const ids = assetsByMac.get(mac);
        if (ids && (ids.size > 1 || (ids.size === 1 && !ids.has(assetId)))) out.add(mac);
      }
      return out;
    },
    assetUpdated(assetId, columns, macs) {
      const asset = assetMap.get(assetId);
      if (!asset) return;
      for (const c of IDENTIFIER_COLUMNS) {
        const next = columns[c];
        if (next === undefined) continue;
        removeFrom(assetsBy[c], asset[c], assetId);
        addTo(assetsBy[c], next, assetId);
      }
      // Every fact but the asset's id and its locks, which matching never writes.
      const fields = ASSET_FACT_KEYS.filter(
        (f): f is Exclude<(typeof ASSET_FACT_KEYS)[number], 'id' | 'lockedFields'> =>
          f !== 'id' && f !== 'lockedFields',
      );
      for (const f of fields) {
        const next = columns[f];
        if (next !== undefined) asset[f] = next;
      }
      if (macs) {
        for (const mac of macsOfAsset.get(assetId) ?? []) removeFrom(assetsByMac, mac, assetId);
        const sorted = [...macs].sort();
        macsOfAsset.set(assetId, sorted);
        for (const mac of sorted) addTo(assetsByMac, mac, assetId);
      }
    },
  };
}
