import type { LinkMethod } from '@stocktake/shared/api';
import { isDiscoverable } from '../register/asset-model.ts';
import type { AssetFacts, CandidateAsset, DeviceFacts, DeviceLink, IdentifierColumn, MatchLookups } from './lookups.ts';

/** Discovery (agents' reports) as the author of the links and register changes matching makes. */
export const DISCOVERY_ACTOR = 'discovery';

/** The asset a device is, and the evidence that says so. */
export interface MatchTarget {
  assetId: string;
  method: LinkMethod;
}

/** A stronger identifier known on both sides that disagrees vetoes a weaker match. */
export function contradicts(asset: CandidateAsset, device: DeviceFacts, method: LinkMethod): boolean {
  if (asset.serialKey && device.serialKey && asset.serialKey !== device.serialKey) return true;
  if (method !== 'uuid' && asset.uuidKey && device.uuidKey && asset.uuidKey !== device.uuidKey) return true;
  return false;
}

/**
 * The register asset a device is, by evidence in order of trust: serial, hardware UUID, MAC,
 * host name. An identifier counts only when it names one device and one asset: a serial or
 * UUID several devices report (clones, junk firmware), a MAC several devices report (a USB
 * dock), a host name two machines carry, or a value two assets carry, is skipped rather than
 * guessed at. A weaker match is refused when a stronger identifier on both sides disagrees
 * (same host name, different serial: another machine).
 */
export function findMatch(device: DeviceFacts, look: MatchLookups): MatchTarget | undefined {
  if (device.serialKey && !look.anotherDevice('serialKey', device.serialKey, device.key)) {
    const found = look.assetsWith('serialKey', device.serialKey);
    if (found.length === 1 && found[0]) return { assetId: found[0].id, method: 'serial' };
  }
  if (device.uuidKey && !look.anotherDevice('uuidKey', device.uuidKey, device.key)) {
    const found = look.assetsWith('uuidKey', device.uuidKey);
    if (found.length === 1 && found[0] && !contradicts(found[0], device, 'uuid')) {
      return { assetId: found[0].id, method: 'uuid' };
    }
  }
  const ownMacs = device.macs.filter((mac) => !look.macOfAnotherDevice(mac, device.key));
  if (ownMacs.length > 0) {
    const found = look.assetsWithMacs(ownMacs);
    if (found.length === 1 && found[0] && !contradicts(found[0], device, 'mac')) {
      return { assetId: found[0].id, method: 'mac' };
    }
  }
  if (device.hostnameKey && !look.anotherDevice('hostnameKey', device.hostnameKey, device.key)) {
    const found = look.assetsWith('hostnameKey', device.hostnameKey);
    if (found.length === 1 && found[0] && !contradicts(found[0], device, 'hostname')) {
      return { assetId: found[0].id, method: 'hostname' };
    }
  }
  return undefined;
}

/** What matching does about one device. */
export type MatchDecision =
  /** A person linked (or unlinked) the device: the link stays; a linked asset is still filled. */
  | { manual: true; assetId: string | null }
  /** Discovery's answer; `relink` when it differs from the link the device has. */
  | { manual: false; found: MatchTarget | undefined; relink: boolean };

export function decideMatch(device: DeviceFacts, current: DeviceLink | undefined, look: MatchLookups): MatchDecision {
  if (current?.method === 'manual') return { manual: true, assetId: current.assetId };
  const found = findMatch(device, look);
  const same = found ? current?.assetId === found.assetId && current.method === found.method : !current;
  return { manual: false, found, relink: !same };
}

/** A link a person makes or breaks, and why, for the audit log. */
export interface LinkChange {
  next: { assetId: string | null; method: LinkMethod } | undefined;
  context: string;
}

/** A person links the device to the asset; nothing to write when that is the link it has. */
export function manualLink(current: DeviceLink | undefined, assetId: string): LinkChange | undefined {
  if (current?.method === 'manual' && current.assetId === assetId) return undefined;
  return { next: { assetId, method: 'manual' }, context: 'manual link' };
}

/**
 * A person unlinks the device. Without `rediscover` the unlink sticks (a manual link to no
 * asset, which discovery leaves alone); with it, the device goes back to discovery: its link is
 * dropped, and the caller matches it again at once.
 */
export function manualUnlink(current: DeviceLink | undefined, rediscover: boolean): LinkChange | undefined {
  if (rediscover) return current ? { next: undefined, context: 'handed back to discovery' } : undefined;
  if (current?.method === 'manual' && current.assetId === null) return undefined;
  return { next: { assetId: null, method: 'manual' }, context: 'manual unlink' };
}

/** The register fields discovery fills (by field name, `macs` as a sorted list), before and after. */
export interface AssetFill {
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

/**
 * The register fields discovery may fill (see DISCOVERABLE_FIELDS) that nobody has set by
 * hand: serial, UUID, make and model only where the register has nothing; host name and MACs
 * follow the device (machines get renamed, NICs replaced). An identifier other devices also
 * report, or another asset already carries, is not copied: the register must not gain the
 * ambiguity matching steers around. Undefined when there is nothing to fill.
 */
export function discoveredFill(asset: AssetFacts, device: DeviceFacts, look: MatchLookups): AssetFill | undefined {
  const locked = new Set(asset.lockedFields);
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  const otherAssetHas = (column: IdentifierColumn, value: string | null) =>
    value !== null && look.otherAssetHas(column, value, asset.id);
  const offer = (field: string, current: unknown, value: unknown, onlyWhenEmpty: boolean) => {
    if (!isDiscoverable(field) || locked.has(field) || value === null || value === undefined) return;
    if (onlyWhenEmpty ? current !== null : current === value) return;
    before[field] = current;
    after[field] = value;
  };
  if (
    device.serialKey &&
    !look.anotherDevice('serialKey', device.serialKey, device.key) &&
    !otherAssetHas('serialKey', device.serialKey)
  ) {
    offer('serial', asset.serial, device.hardwareSerial?.trim(), true);
  }
  if (
    device.uuidKey &&
    !look.anotherDevice('uuidKey', device.uuidKey, device.key) &&
    !otherAssetHas('uuidKey', device.uuidKey)
  ) {
    offer('hardwareUuid', asset.hardwareUuid, device.uuidKey, true);
  }
  offer('manufacturer', asset.manufacturer, device.vendor, true);
  offer('model', asset.model, device.model, true);
  if (device.hostnameKey && !otherAssetHas('hostnameKey', device.hostnameKey)) {
    offer('hostname', asset.hostname, device.hostname, false);
  }
  const currentMacs = look.assetMacs(asset.id);
  const onOthers = device.macs.length === 0 ? new Set<string>() : look.macsOnOtherAssets(device.macs, asset.id);
  const macs = device.macs.filter((m) => !onOthers.has(m));
  if (macs.length > 0 && !locked.has('macs') && currentMacs.join(',') !== macs.join(',')) {
    before.macs = currentMacs;
    after.macs = macs;
  }
  return Object.keys(after).length === 0 ? undefined : { before, after };
}
