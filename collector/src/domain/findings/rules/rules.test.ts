import { describe, expect, it } from 'vitest';
import { compileEndOfSupport } from '../end-of-support.ts';
import { defaultPolicy, type Policy, resolvePolicy } from '../policies.ts';
import { ghostAsset, retiredAssetActive, warrantyExpiring } from './assets.ts';
import { compilePatchRules, serialChanged, staleAgent, unpatchedDevice, unregisteredDevice } from './devices.ts';
import { hardwareChanged, identityConflict } from './hardware.ts';
import { licenseOveruse, shelfware } from './licenses.ts';
import type { AssetFact, DeviceFact, HardwareRemoval, LicenseFact, RuleContext } from './types.ts';

const NOW = new Date('2026-11-22T12:00:00Z');
const ago = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();
const inDays = (days: number) => new Date(NOW.getTime() + days * 86_400_000).toISOString().slice(0, 10);
const ctx = (policy: Policy = defaultPolicy()): RuleContext => ({ now: NOW, policy });

function device(extra: Partial<DeviceFact> = {}): DeviceFact {
  return {
    key: 1,
    id: 'dev-1',
    hostname: 'ws-1',
    serial: 'SN1',
    lastSeenAt: ago(0.1),
    primaryUser: null,
    osFamily: 'linux',
    osName: 'Debian GNU/Linux',
    osVersion: '12.7',
    osBuild: null,
    pendingUpdates: 0,
    pendingSecurityUpdates: 0,
    lastPackageChange: null,
    lastInstall: null,
    oldestPendingSecuritySince: null,
    trackedSecuritySince: null,
    assetId: 'asset-1',
    linkMethod: 'serial',
    assetSerial: 'SN1',
    assetTag: 'LT-1',
    assigneeUsername: null,
    assigneeEmail: null,
    ...extra,
  };
}

function asset(extra: Partial<AssetFact> = {}): AssetFact {
  return {
    id: 'asset-1',
    assetTag: 'LT-1',
    name: null,
    serial: 'SN1',
    status: 'deployed',
    statusSince: ago(100),
    createdAt: ago(100),
    warrantyEnd: null,
    lastDeviceId: 'dev-1',
    lastDeviceHostname: 'ws-1',
    lastSeenAt: ago(1),
    ...extra,
  };
}

describe('asset rules', () => {
  it('ghost: in use, silent for the window or never seen, after being in its status that long', () => {
    expect(ghostAsset(asset(), ctx())).toBeUndefined();
    expect(ghostAsset(asset({ lastSeenAt: ago(29.9) }), ctx())).toBeUndefined();
    expect(ghostAsset(asset({ lastSeenAt: ago(30) }), ctx())).toMatchObject({
      type: 'ghost_asset',
      severity: 'medium',
    });
    const never = ghostAsset(asset({ lastSeenAt: null, lastDeviceId: null }), ctx());
    expect(never?.summary).toContain('no agent has ever reported it');
    // Deployed last week from stock: no time to report yet.
    expect(ghostAsset(asset({ lastSeenAt: null, statusSince: ago(7) }), ctx())).toBeUndefined();
    expect(ghostAsset(asset({ lastSeenAt: null, status: 'in_repair' }), ctx())).toBeUndefined();
    expect(ghostAsset(asset({ lastSeenAt: null, status: 'in_stock' }), ctx())).toBeDefined();
    const custom = resolvePolicy({ ghostAfterDays: 60, ghostStatuses: ['deployed'] });
    expect(ghostAsset(asset({ lastSeenAt: ago(45) }), ctx(custom))).toBeUndefined();
    expect(ghostAsset(asset({ lastSeenAt: null, status: 'in_stock' }), ctx(custom))).toBeUndefined();
  });

  it('retired asset active: a linked device reported after the status change; lost or stolen is critical', () => {
    const retired = asset({ status: 'retired', statusSince: ago(10), lastSeenAt: ago(1) });
    expect(retiredAssetActive(retired)).toMatchObject({
      severity: 'high',
      refs: expect.arrayContaining([{ kind: 'device', id: 'dev-1' }]),
    });
    expect(retiredAssetActive({ ...retired, lastSeenAt: ago(11) })).toBeUndefined();
    expect(retiredAssetActive({ ...retired, status: 'stolen' })?.severity).toBe('critical');
    expect(retiredAssetActive({ ...retired, status: 'deployed' })).toBeUndefined();
    expect(retiredAssetActive({ ...retired, lastSeenAt: null, lastDeviceId: null })).toBeUndefined();
  });

  it('warranty expiring: from today to the horizon, for assets in service', () => {
    const w = (days: number, extra: Partial<AssetFact> = {}) =>
      warrantyExpiring(asset({ warrantyEnd: inDays(days), ...extra }), ctx());
    expect(w(0)?.severity).toBe('medium');
    expect(w(30)?.severity).toBe('medium');
    expect(w(31)?.severity).toBe('low');
    expect(w(90)).toBeDefined();
    expect(w(91)).toBeUndefined();
    expect(w(-1)).toBeUndefined();
    expect(w(10, { status: 'disposed' })).toBeUndefined();
    expect(w(10)?.facts).toEqual({ assetTag: 'LT-1', warrantyEnd: inDays(10), horizonDays: 90 });
  });
});

describe('device rules', () => {
  it('unregistered: a present device with no asset, saying why', () => {
    expect(unregisteredDevice(device(), ctx(), [])).toBeUndefined();
    const d = device({ assetId: null, linkMethod: null });
    expect(unregisteredDevice(d, ctx(), [])?.summary).toContain('no register asset matches it');
    expect(unregisteredDevice({ ...d, linkMethod: 'manual' }, ctx(), [])?.facts).toMatchObject({
      manuallyUnlinked: true,
    });
    const conflict = { kind: 'duplicate_serial' as const, value: 'SN1', deviceIds: ['dev-1', 'dev-2'], assetIds: [] };
    expect(unregisteredDevice(d, ctx(), [conflict])?.summary).toContain('duplicate serial SN1 (2 devices)');
    expect(unregisteredDevice({ ...d, lastSeenAt: ago(31) }, ctx(), [])).toBeUndefined();
  });

  it('stale: silent for the policy days, until its asset becomes a ghost', () => {
    expect(staleAgent(device({ lastSeenAt: ago(6.9) }), ctx(), new Set())).toBeUndefined();
    expect(staleAgent(device({ lastSeenAt: ago(7) }), ctx(), new Set())).toMatchObject({ severity: 'low' });
    expect(staleAgent(device({ lastSeenAt: ago(40) }), ctx(), new Set(['asset-1']))).toBeUndefined();
    expect(staleAgent(device({ lastSeenAt: ago(40), assetId: null }), ctx(), new Set(['asset-1']))).toBeDefined();
  });

  const rules = (policy: Policy) => compilePatchRules(ctx(policy), compileEndOfSupport(policy.endOfSupport));
  const broken = (d: DeviceFact, policy = defaultPolicy()) =>
    (unpatchedDevice(d, ctx(policy), rules(policy))?.facts.violations as { rule: string }[] | undefined)?.map(
      (v) => v.rule,
    );

  it('unpatched: pending security count and age, with the agent date or the one the collector tracked', () => {
    expect(broken(device())).toBeUndefined();
    expect(broken(device({ pendingSecurityUpdates: 10 }))).toBeUndefined();
    expect(broken(device({ pendingSecurityUpdates: 11 }))).toEqual(['pending_security']);
    expect(broken(device({ pendingSecurityUpdates: 1, oldestPendingSecuritySince: ago(14) }))).toBeUndefined();
    expect(broken(device({ pendingSecurityUpdates: 1, oldestPendingSecuritySince: ago(15) }))).toEqual([
      'security_age',
    ]);
    const tracked = unpatchedDevice(
      device({ pendingSecurityUpdates: 1, trackedSecuritySince: ago(20) }),
      ctx(),
      rules(defaultPolicy()),
    );
    expect(tracked?.facts.violations).toEqual([
      { rule: 'security_age', pendingSince: ago(20), source: 'collector', maxDays: 14 },
    ]);
    expect(tracked?.severity).toBe('high');
    // The agent's own date wins over the collector's.
    expect(
      broken(device({ pendingSecurityUpdates: 1, oldestPendingSecuritySince: ago(1), trackedSecuritySince: ago(20) })),
    ).toBeUndefined();
  });

  it('unpatched: last patch too old only while updates are pending; Windows reads the last install', () => {
    expect(broken(device({ pendingUpdates: 3, lastPackageChange: ago(36) }))).toEqual(['last_patch']);
    expect(broken(device({ pendingUpdates: 0, lastPackageChange: ago(300) }))).toBeUndefined();
    expect(broken(device({ pendingUpdates: 3, lastPackageChange: ago(35) }))).toBeUndefined();
    const windows = device({ osFamily: 'windows', osName: 'Windows 11 Pro', osVersion: '25H2', osBuild: '26200.7171' });
    expect(broken({ ...windows, pendingUpdates: null, pendingSecurityUpdates: null, lastInstall: ago(60) })).toEqual([
      'last_patch',
    ]);
    // The later of the two dates counts.
    expect(broken(device({ pendingUpdates: 3, lastPackageChange: ago(60), lastInstall: ago(2) }))).toBeUndefined();
    const off = resolvePolicy({ patch: { linux: { maxDaysSinceLastPatch: null, maxPendingSecurity: null } } });
    expect(
      broken(device({ pendingUpdates: 3, pendingSecurityUpdates: 50, lastPackageChange: ago(90) }), off),
    ).toBeUndefined();
  });

  it('unpatched: OS baseline per family (numeric compare, first matching name) and end of support', () => {
    const policy = resolvePolicy({
      patch: {
        linux: {
          baselines: [
            { osName: 'Ubuntu', minVersion: '22.04.4' },
            { osName: '*', minVersion: '1' },
          ],
        },
        windows: { baselines: [{ osName: 'windows 11*', minBuild: '26200.6584' }] },
      },
    });
    expect(broken(device({ osName: 'Ubuntu', osVersion: '22.04.10' }), policy)).toBeUndefined();
    expect(broken(device({ osName: 'Ubuntu', osVersion: '22.04.3' }), policy)).toEqual(['os_baseline']);
    expect(broken(device({ osName: 'Debian GNU/Linux', osVersion: '12.7' }), policy)).toBeUndefined();
    const win = (build: string, version = '25H2') =>
      device({ osFamily: 'windows', osName: 'Windows 11 Pro', osVersion: version, osBuild: build });
    expect(broken(win('26200.6584'), policy)).toBeUndefined();
    expect(broken(win('26200.999'), policy)).toEqual(['os_baseline']);
    expect(broken(win('26200.7000', '24H2'), policy)).toEqual(['end_of_support']);
    expect(broken(device({ osName: 'Ubuntu', osVersion: '20.04.6' }))).toEqual(['end_of_support']);
    expect(broken(device({ osName: 'Ubuntu', osVersion: '20.10' }))).toBeUndefined();
    expect(broken(device({ osFamily: 'macos', osName: 'macOS', osVersion: '13.7.6', osBuild: '22H625' }))).toEqual([
      'end_of_support',
    ]);
    const noEos = resolvePolicy({ patch: { linux: { endOfSupport: false } } });
    expect(broken(device({ osName: 'Ubuntu', osVersion: '18.04.6' }), noEos)).toBeUndefined();
  });

  it('serial changed: a linked device whose serial is not its asset’s (junk serials prove nothing)', () => {
    expect(serialChanged(device())).toBeUndefined();
    expect(serialChanged(device({ serial: 'sn 1' }))).toBeUndefined();
    expect(serialChanged(device({ serial: 'SN2', linkMethod: 'manual' }))).toMatchObject({
      type: 'hardware_changed',
      subKey: 'serial',
      severity: 'high',
    });
    expect(serialChanged(device({ serial: 'To be filled by O.E.M.' }))).toBeUndefined();
    expect(serialChanged(device({ serial: 'SN2', assetId: null }))).toBeUndefined();
  });
});

describe('hardware and identity rules', () => {
  const removal = (extra: Partial<HardwareRemoval> = {}): HardwareRemoval => ({
    deviceKey: 1,
    deviceId: 'dev-1',
    hostname: 'ws-1',
    kind: 'memory',
    key: 'serial:M-2',
    subject: 'memory DIMM 2',
    removed: { kind: 'memory', key: 'serial:M-2', label: 'DIMM 2', serial: 'M-2', sizeBytes: 8 },
    observedAt: ago(2),
    current: null,
    ...extra,
  });

  it('hardware changed: a part gone, or swapped under the same key, within the window, of a watched kind', () => {
    expect(hardwareChanged(removal(), ctx())).toMatchObject({ subKey: 'memory:serial:M-2', severity: 'medium' });
    expect(hardwareChanged(removal({ current: { ...removal().removed } }), ctx())).toBeUndefined();
    expect(hardwareChanged(removal({ current: { ...removal().removed, sizeBytes: 16 } }), ctx())?.summary).toContain(
      'swapped',
    );
    expect(hardwareChanged(removal({ observedAt: ago(30) }), ctx())).toBeUndefined();
    expect(hardwareChanged(removal({ kind: 'gpu' }), ctx())).toBeUndefined();
    expect(hardwareChanged(removal({ kind: 'gpu' }), ctx(resolvePolicy({ hardwareKinds: ['gpu'] })))).toBeDefined();
  });

  it('identity conflicts: one finding per shared identifier, involving every device and asset', () => {
    const c = identityConflict({ kind: 'duplicate_serial', value: 'X1', deviceIds: ['a', 'b'], assetIds: ['z'] });
    expect(c).toMatchObject({
      subjectKind: 'identifier',
      subjectId: 'duplicate_serial',
      subKey: 'X1',
      severity: 'medium',
    });
    expect(c.refs).toEqual([
      { kind: 'device', id: 'a' },
      { kind: 'device', id: 'b' },
      { kind: 'asset', id: 'z' },
    ]);
    expect(identityConflict({ kind: 'shared_mac', value: 'm', deviceIds: ['a', 'b'], assetIds: [] }).severity).toBe(
      'low',
    );
  });
});

describe('license rules', () => {
  const lic = (extra: Partial<LicenseFact> = {}): LicenseFact => ({
    id: 'l-1',
    product: 'Acme CAD',
    metric: 'per_device',
    seats: 10,
    termEnd: null,
    used: 10,
    ...extra,
  });

  it('overuse: more used than seats, by the metric', () => {
    expect(licenseOveruse(lic())).toBeUndefined();
    expect(licenseOveruse(lic({ used: 11 }))?.summary).toBe('Acme CAD: 11 devices use it, 10 seats licensed (1 over)');
    expect(licenseOveruse(lic({ used: 12, metric: 'per_user' }))?.summary).toContain('12 users');
  });

  it('shelfware: at least the threshold unused when the term ends within the renewal horizon', () => {
    expect(shelfware(lic({ used: 5, termEnd: inDays(30) }), ctx())?.facts).toMatchObject({ unused: 5 });
    expect(shelfware(lic({ used: 6, termEnd: inDays(30) }), ctx())).toBeUndefined();
    expect(shelfware(lic({ used: 0, termEnd: null }), ctx())).toBeUndefined();
    expect(shelfware(lic({ used: 0, termEnd: inDays(91) }), ctx())).toBeUndefined();
    expect(shelfware(lic({ used: 0, termEnd: inDays(-1) }), ctx())).toBeUndefined();
    expect(shelfware(lic({ used: 0, termEnd: inDays(0) }), ctx())).toBeDefined();
    const strict = resolvePolicy({ shelfware: { minUnusedSeats: 1, renewalHorizonDays: 200 } });
    expect(shelfware(lic({ used: 9, termEnd: inDays(150) }), ctx(strict))).toBeDefined();
  });
});
