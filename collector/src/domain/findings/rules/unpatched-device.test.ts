import { describe, expect, it } from 'vitest';
import { compileEndOfSupport } from '../end-of-support.ts';
import { defaultPolicy, type Policy, resolvePolicy } from '../policies.ts';
import type { DeviceFact } from '../ports.ts';
import { ago, ctx, device } from '../rule-fixtures.ts';
import { compilePatchRules, unpatchedDevice } from './unpatched-device.rule.ts';

describe('unpatched_device', () => {
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
});
