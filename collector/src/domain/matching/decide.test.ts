import { describe, expect, it } from 'vitest';
import { decideMatch, discoveredFill, findMatch, manualLink, manualUnlink } from './decide.ts';
import type { AssetFacts, DeviceFacts, IdentifierColumn, MatchLookups } from './lookups.ts';

const device = (over: Partial<DeviceFacts> = {}): DeviceFacts => ({
  key: 1,
  id: 'd1',
  hostname: 'ws-0001',
  hostnameKey: 'ws-0001',
  hardwareSerial: null,
  serialKey: null,
  hardwareUuid: null,
  uuidKey: null,
  vendor: null,
  model: null,
  macs: [],
  ...over,
});

type RegisteredAsset = AssetFacts & { macs?: string[] };

const asset = (over: Partial<RegisteredAsset> = {}): RegisteredAsset => ({
  id: 'a1',
  serial: null,
  serialKey: null,
  hardwareUuid: null,
  uuidKey: null,
  hostname: null,
  hostnameKey: null,
  manufacturer: null,
  model: null,
  lockedFields: [],
  ...over,
});

/** The lookups over a fleet and a register held in memory, answering as the store does. */
function lookups(devices: DeviceFacts[], assets: RegisteredAsset[]): MatchLookups {
  const macsOf = (a: { macs?: string[] }) => a.macs ?? [];
  return {
    device: (key) => devices.find((d) => d.key === key),
    link: () => undefined,
    anotherDevice: (column: IdentifierColumn, value, key) => devices.some((d) => d.key !== key && d[column] === value),
    macOfAnotherDevice: (mac, key) => devices.some((d) => d.key !== key && d.macs.includes(mac)),
    assetsWith: (column, value) => assets.filter((a) => a[column] === value).slice(0, 2),
    assetsWithMacs: (macs) => assets.filter((a) => macsOf(a).some((m) => macs.includes(m))).slice(0, 2),
    asset: (id) => assets.find((a) => a.id === id),
    otherAssetHas: (column, value, id) => assets.some((a) => a.id !== id && a[column] === value),
    assetMacs: (id) => [...macsOf(assets.find((a) => a.id === id) ?? {})].sort(),
    macsOnOtherAssets: (macs, id) =>
      new Set(macs.filter((m) => assets.some((a) => a.id !== id && macsOf(a).includes(m)))),
  };
}

describe('which register asset a device is', () => {
  it('trusts a serial before a UUID, a MAC and a host name', () => {
    const d = device({ serialKey: 'S1', uuidKey: 'U1', macs: ['m1'] });
    const look = lookups(
      [d],
      [
        asset({ id: 'by-uuid', uuidKey: 'U1' }),
        asset({ id: 'by-serial', serialKey: 'S1' }),
        asset({ id: 'by-mac', macs: ['m1'] }),
      ],
    );
    expect(findMatch(d, look)).toEqual({ assetId: 'by-serial', method: 'serial' });
    expect(findMatch({ ...d, serialKey: null }, look)).toEqual({ assetId: 'by-uuid', method: 'uuid' });
  });

  it('skips an identifier another device reports or two assets carry', () => {
    const d = device({ serialKey: 'S1' });
    const clone = device({ key: 2, id: 'd2', serialKey: 'S1', hostnameKey: 'ws-0002' });
    expect(findMatch(d, lookups([d, clone], [asset({ serialKey: 'S1' })]))).toBeUndefined();
    const twoAssets = [asset({ serialKey: 'S1' }), asset({ id: 'a2', serialKey: 'S1' })];
    expect(findMatch(d, lookups([d], twoAssets))).toBeUndefined();
  });

  it('refuses a weaker match that a stronger identifier on both sides contradicts', () => {
    const d = device({ serialKey: 'S1' });
    expect(findMatch(d, lookups([d], [asset({ hostnameKey: 'ws-0001', serialKey: 'S2' })]))).toBeUndefined();
    expect(findMatch(d, lookups([d], [asset({ hostnameKey: 'ws-0001' })]))).toEqual({
      assetId: 'a1',
      method: 'hostname',
    });
  });

  it('keeps a manual link or unlink, and relinks only when discovery finds something else', () => {
    const d = device({ serialKey: 'S1' });
    const look = lookups([d], [asset({ serialKey: 'S1' })]);
    const link = (assetId: string | null, method: 'manual' | 'serial') => ({
      assetId,
      method,
      linkedAt: 'then',
      linkedBy: 'someone',
    });
    expect(decideMatch(d, link(null, 'manual'), look)).toEqual({ manual: true, assetId: null });
    expect(decideMatch(d, link('a1', 'serial'), look)).toEqual({
      manual: false,
      found: { assetId: 'a1', method: 'serial' },
      relink: false,
    });
    expect(decideMatch(d, undefined, look)).toMatchObject({ relink: true });
    expect(decideMatch(device(), link('a1', 'serial'), lookups([], []))).toEqual({
      manual: false,
      found: undefined,
      relink: true,
    });
  });
});

describe('what discovery fills in the register', () => {
  it('fills empty fields, follows the host name and MACs, and leaves locked fields alone', () => {
    const d = device({
      hardwareSerial: ' CZC1 ',
      serialKey: 'CZC1',
      vendor: 'Dell Inc.',
      model: 'Latitude 7440',
      hostname: 'ws-renamed',
      hostnameKey: 'ws-renamed',
      macs: ['m1', 'm2'],
    });
    const a = asset({
      hostname: 'ws-old',
      hostnameKey: 'ws-old',
      model: 'set by hand',
      lockedFields: ['manufacturer'],
    });
    expect(discoveredFill(a, d, lookups([d], [{ ...a, macs: ['m1'] }]))).toEqual({
      before: { serial: null, hostname: 'ws-old', macs: ['m1'] },
      after: { serial: 'CZC1', hostname: 'ws-renamed', macs: ['m1', 'm2'] },
    });
  });

  it('copies no identifier another device reports or another asset carries, and says when nothing is left', () => {
    const d = device({ hardwareSerial: 'S1', serialKey: 'S1', macs: ['dock'] });
    const other = asset({ id: 'a2', macs: ['dock'] });
    const clone = device({ key: 2, id: 'd2', serialKey: 'S1', hostnameKey: null });
    const a = asset({ hostname: 'ws-0001' });
    expect(discoveredFill(a, d, lookups([d, clone], [a, other]))).toBeUndefined();
  });
});

describe('links a person makes and breaks', () => {
  const link = (assetId: string | null, method: 'manual' | 'mac') => ({
    assetId,
    method,
    linkedAt: 't',
    linkedBy: 'x',
  });

  it('writes a manual link unless the device already has that one', () => {
    expect(manualLink(undefined, 'a1')).toEqual({ next: { assetId: 'a1', method: 'manual' }, context: 'manual link' });
    expect(manualLink(link('a1', 'mac'), 'a1')).toMatchObject({ next: { assetId: 'a1', method: 'manual' } });
    expect(manualLink(link('a1', 'manual'), 'a1')).toBeUndefined();
  });

  it('makes an unlink stick, once, or hands the device back to discovery', () => {
    expect(manualUnlink(link('a1', 'mac'), false)).toEqual({
      next: { assetId: null, method: 'manual' },
      context: 'manual unlink',
    });
    expect(manualUnlink(link(null, 'manual'), false)).toBeUndefined();
    expect(manualUnlink(link(null, 'manual'), true)).toEqual({ next: undefined, context: 'handed back to discovery' });
    expect(manualUnlink(undefined, true)).toBeUndefined();
  });
});
