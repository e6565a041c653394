import type { Entitlement } from '../licenses/positions.ts';
import { defaultPolicy, type Policy } from './policies.ts';
import type { AssetFact, DeviceFact, HardwareRemoval, LicenseFact } from './ports.ts';
import type { RuleContext } from './rule.ts';

/** Facts as the rule tests build them: a healthy, linked, recently seen machine unless told otherwise. */
export const NOW = new Date('2026-11-22T12:00:00Z');
export const ago = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();
export const inDays = (days: number) => new Date(NOW.getTime() + days * 86_400_000).toISOString().slice(0, 10);
export const ctx = (policy: Policy = defaultPolicy()): RuleContext => ({ now: NOW, policy });

export function device(extra: Partial<DeviceFact> = {}): DeviceFact {
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

export function asset(extra: Partial<AssetFact> = {}): AssetFact {
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

export const removal = (extra: Partial<HardwareRemoval> = {}): HardwareRemoval => ({
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

export const lic = (extra: Partial<LicenseFact> = {}, ...more: Partial<Entitlement>[]): LicenseFact => {
  const entitlement = (e: Partial<Entitlement>, i: number): Entitlement => ({
    id: `l-${i + 1}`,
    orderNumber: null,
    seats: 10,
    termStart: null,
    termEnd: null,
    costPerSeat: null,
    ...e,
  });
  return {
    key: 'per_device\u0000Acme CAD',
    product: 'Acme CAD',
    metric: 'per_device',
    used: 10,
    entitlements: (more.length > 0 ? more : [{}]).map(entitlement),
    ...extra,
  };
};
