import { describe, expect, it } from 'vitest';
import type { DeviceActivity } from '../../usage/ports.ts';
import { ago, asset, ctx, device } from '../rule-fixtures.ts';
import rule, { idleDevice } from './idle-device.rule.ts';

const activity = (extra: Partial<DeviceActivity> = {}): DeviceActivity => ({
  deviceId: 'dev-1',
  sessionsOpen: false,
  lastLoginAt: ago(2),
  lastLoginUser: 'alice',
  ...extra,
});

describe('idle_device', () => {
  it('idle: no interactive login for the policy days; an open session is a login at the last report', () => {
    expect(idleDevice(asset(), device(), activity({ lastLoginAt: ago(29.9) }), ctx())).toBeUndefined();
    expect(idleDevice(asset(), device(), activity({ lastLoginAt: ago(30) }), ctx())).toMatchObject({
      type: 'idle_device',
      subjectId: 'asset-1',
      severity: 'info',
      facts: { lastLoginAt: ago(30), lastLoginUser: 'alice', idleAfterDays: 30 },
    });
    expect(
      idleDevice(
        asset(),
        device({ lastSeenAt: ago(1) }),
        activity({ sessionsOpen: true, lastLoginAt: ago(90) }),
        ctx(),
      ),
    ).toBeUndefined();
    // Quiet since its last user left: its last report had nobody logged in, 45 days ago.
    expect(
      idleDevice(asset(), device({ lastSeenAt: ago(45) }), activity({ lastLoginAt: ago(46) }), ctx()),
    ).toBeDefined();
  });

  it('nobody ever logged in: idle once deployed for the policy days', () => {
    const never = activity({ lastLoginAt: null, lastLoginUser: null });
    expect(idleDevice(asset({ statusSince: ago(10) }), device(), never, ctx())).toBeUndefined();
    expect(idleDevice(asset({ statusSince: ago(31) }), device(), never, ctx())?.summary).toContain(
      'nobody has logged in',
    );
  });

  it('judges deployed assets with a device whose agent said who logs in, and nothing else', () => {
    const facts = (status: 'deployed' | 'in_stock', known: DeviceActivity[]) => ({
      assets: [asset({ status, lastDeviceId: 'dev-1' })],
      devices: [device()],
      activity: known,
    });
    const idle = activity({ lastLoginAt: ago(60) });
    expect([...rule.evaluate(facts('deployed', [idle]), ctx())]).toHaveLength(1);
    expect([...rule.evaluate(facts('in_stock', [idle]), ctx())]).toHaveLength(0);
    expect([...rule.evaluate(facts('deployed', []), ctx())]).toHaveLength(0);
  });
});
