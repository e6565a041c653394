import { describe, expect, it } from 'vitest';
import {
  decideIdentity,
  differentNetworkHardware,
  type HandoverRule,
  type IdentityEvidence,
  type KnownDevice,
} from './identity-policy.ts';

const NOW = new Date('2026-03-03T00:00:00.000Z');
const HOUR = 60 * 60 * 1000;
const RULE: HandoverRule = { silenceMs: 10 * HOUR, minReports: 3 };
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * HOUR).toISOString();
const NIC = '3c:22:fb:00:00:01';
const CLONE_NIC = '00:50:56:00:00:02';

const known = (over: Partial<KnownDevice> = {}): KnownDevice => ({
  id: 'original',
  agentId: 'old-agent',
  macs: [NIC],
  blocked: false,
  follower: { lastSeenAt: hoursAgo(1), revokedAt: null },
  ...over,
});

/** A new agent without a device of its own, whose serial and UUID are a known device's. */
const reporting = (device: KnownDevice | undefined, macs: string[]): IdentityEvidence => ({
  agentId: 'new-agent',
  macs,
  hardware: { serial: 'usable', ...(device ? { device } : {}) },
});

/** An agent on its own device with an open claim on `claimed`. */
const claiming = (claimed: KnownDevice | null, macs: string[], over: Partial<IdentityEvidence['claim']> = {}) => ({
  agentId: 'new-agent',
  macs,
  own: { id: 'own', agentId: 'new-agent', macs },
  claim: { device: claimed, kind: 'claimed_identity' as const, history: { since: hoursAgo(9), count: 5 }, ...over },
});

describe('the identity policy', () => {
  describe('a new agent reporting a known device’s serial and UUID', () => {
    it('is a reinstall of that device when nobody follows it or its agent was revoked, on the same NICs', () => {
      expect(decideIdentity(reporting(known({ agentId: null }), [NIC]), RULE, NOW)).toEqual({
        kind: 'reinstall',
        deviceId: 'original',
        replacesAgent: null,
        mergesOwn: false,
      });
      const revoked = known({ follower: { lastSeenAt: hoursAgo(1), revokedAt: hoursAgo(1) } });
      expect(decideIdentity(reporting(revoked, [NIC]), RULE, NOW)).toMatchObject({
        kind: 'reinstall',
        replacesAgent: 'old-agent',
      });
      // Without MACs on one side nothing says it is other hardware.
      expect(decideIdentity(reporting(revoked, []), RULE, NOW)).toMatchObject({ kind: 'reinstall' });
    });

    it('is a device of its own claiming the known one while another live agent follows it', () => {
      expect(decideIdentity(reporting(known(), [NIC]), RULE, NOW)).toEqual({
        kind: 'new-device',
        conflict: { kind: 'claimed_identity', deviceId: 'original' },
      });
    });

    it('is a clone, a device of its own with a cloned_machine conflict, when it reports other NICs', () => {
      const clone = { kind: 'new-device', conflict: { kind: 'cloned_machine', deviceId: 'original' } };
      expect(decideIdentity(reporting(known(), [CLONE_NIC]), RULE, NOW)).toEqual(clone);
      // Even when the original's agent is gone or revoked: other NICs are another machine.
      expect(decideIdentity(reporting(known({ agentId: null }), [CLONE_NIC]), RULE, NOW)).toEqual(clone);
      const revoked = known({ follower: { lastSeenAt: hoursAgo(1), revokedAt: hoursAgo(1) } });
      expect(decideIdentity(reporting(revoked, [CLONE_NIC]), RULE, NOW)).toEqual(clone);
    });

    it('is refused when the device or the serial is blocked, and a plain new device otherwise', () => {
      expect(decideIdentity(reporting(known({ blocked: true }), [NIC]), RULE, NOW)).toEqual({
        kind: 'blocked',
        by: 'device',
      });
      const blockedSerial = { agentId: 'a', macs: [], hardware: { serial: 'blocked' as const } };
      expect(decideIdentity(blockedSerial, RULE, NOW)).toEqual({ kind: 'blocked', by: 'serial' });
      expect(decideIdentity(reporting(undefined, [NIC]), RULE, NOW)).toEqual({ kind: 'new-device' });
      const junk = { agentId: 'a', macs: [], hardware: { serial: 'unusable' as const } };
      expect(decideIdentity(junk, RULE, NOW)).toEqual({ kind: 'new-device' });
    });
  });

  describe('an agent on its own device', () => {
    it('continues it, and splits off with a conflict once the device follows another agent', () => {
      const own = { id: 'own', agentId: 'new-agent', macs: [NIC] };
      expect(decideIdentity({ agentId: 'new-agent', macs: [NIC], own }, RULE, NOW)).toEqual({
        kind: 'continue',
        claim: 'none',
      });
      const moved = { ...own, agentId: 'newer-agent' };
      expect(decideIdentity({ agentId: 'new-agent', macs: [NIC], own: moved }, RULE, NOW)).toEqual({
        kind: 'new-device',
        conflict: { kind: 'claimed_identity', deviceId: 'own' },
      });
    });

    it('takes the claimed device over by evidence: its agent silent past the window, the claimant reporting', () => {
      const silent = known({ follower: { lastSeenAt: hoursAgo(11), revokedAt: null } });
      expect(decideIdentity(claiming(silent, [NIC]), RULE, NOW)).toEqual({
        kind: 'reinstall',
        deviceId: 'original',
        replacesAgent: 'old-agent',
        mergesOwn: true,
      });
      // Within the window, or too few reports, or both alive since the claim: the claim stays open.
      const open = { kind: 'continue', claim: 'open' };
      const recent = known({ follower: { lastSeenAt: hoursAgo(9.5), revokedAt: null } });
      expect(decideIdentity(claiming(recent, [NIC]), RULE, NOW)).toEqual(open);
      const few = claiming(silent, [NIC], { history: { since: hoursAgo(9), count: 1 } });
      expect(decideIdentity(few, RULE, NOW)).toEqual(open);
      const overlap = claiming(silent, [NIC], { history: { since: hoursAgo(20), count: 5 } });
      expect(decideIdentity(overlap, RULE, NOW)).toEqual(open);
    });

    it('never moves a clone’s original by evidence, however long it is silent', () => {
      const silent = known({ follower: { lastSeenAt: hoursAgo(100), revokedAt: null } });
      const open = { kind: 'continue', claim: 'open' };
      expect(decideIdentity(claiming(silent, [CLONE_NIC], { kind: 'cloned_machine' }), RULE, NOW)).toEqual(open);
      // A claim opened before the clone's NICs were known still weighs them.
      expect(decideIdentity(claiming(silent, [CLONE_NIC]), RULE, NOW)).toEqual(open);
      const revoked = known({ follower: { lastSeenAt: hoursAgo(1), revokedAt: hoursAgo(1) } });
      expect(decideIdentity(claiming(revoked, [CLONE_NIC], { kind: 'cloned_machine' }), RULE, NOW)).toEqual(open);
    });

    it('drops a claim whose device is gone or already its own, and keeps one on a blocked device', () => {
      expect(decideIdentity(claiming(null, [NIC]), RULE, NOW)).toEqual({ kind: 'continue', claim: 'void' });
      expect(decideIdentity(claiming(known({ agentId: 'new-agent' }), [NIC]), RULE, NOW)).toEqual({
        kind: 'continue',
        claim: 'void',
      });
      const blocked = known({ blocked: true, follower: { lastSeenAt: hoursAgo(1), revokedAt: hoursAgo(1) } });
      expect(decideIdentity(claiming(blocked, [NIC]), RULE, NOW)).toEqual({ kind: 'continue', claim: 'open' });
    });
  });
});

describe('differentNetworkHardware', () => {
  it('holds only when both sides report MACs and none is shared, whatever their spelling', () => {
    expect(differentNetworkHardware([NIC], [CLONE_NIC])).toBe(true);
    expect(differentNetworkHardware([NIC, CLONE_NIC], ['00-50-56-00-00-02'])).toBe(false);
    expect(differentNetworkHardware([], [CLONE_NIC])).toBe(false);
    expect(differentNetworkHardware([NIC], [])).toBe(false);
    // A locally administered MAC (randomised, virtual) identifies no hardware.
    expect(differentNetworkHardware([NIC], ['02:42:ac:11:00:02'])).toBe(false);
  });
});
