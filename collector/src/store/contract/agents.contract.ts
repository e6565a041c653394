import { expect, it } from 'vitest';
import type { OpenPorts } from './open-ports.ts';

/** Agents: enrolment hands out a token once; the token finds its agent until it is revoked. */
export default function agentsContract(open: OpenPorts<'agents'>): void {
  it('enrols an agent and finds it by its token', async () => {
    const { agents, close } = await open();
    try {
      const now = new Date('2026-11-02T09:00:00Z');
      const { agentId, agentToken } = await agents.enrol(
        { hostname: 'ws-1', version: '0.1.0', platform: 'linux' },
        now,
      );
      expect(agentToken).toMatch(/^sta_[A-Za-z0-9_-]{43}$/);
      expect(await agents.findByToken(agentToken)).toEqual({
        id: agentId,
        hostname: 'ws-1',
        version: '0.1.0',
        platform: 'linux',
        enrolledAt: now.toISOString(),
        lastSeenAt: null,
        revokedAt: null,
        revokedBy: null,
        deviceId: null,
        claimedDeviceId: null,
        address: null,
      });
      expect(await agents.findByToken(`${agentToken}x`)).toBeUndefined();
      const other = await agents.enrol({ hostname: 'ws-2', version: '0.1.0', platform: 'windows' });
      expect(other.agentId).not.toBe(agentId);
      expect((await agents.findByToken(other.agentToken))?.hostname).toBe('ws-2');
    } finally {
      await close();
    }
  });

  it('refuses a revoked agent’s token, and revokes only once', async () => {
    const { agents, close } = await open();
    try {
      const { agentId, agentToken } = await agents.enrol({ hostname: 'ws-1', version: '0.1.0', platform: 'linux' });
      expect(await agents.revoke(agentId)).toBe(true);
      expect(await agents.findByToken(agentToken)).toBeUndefined();
      expect(await agents.revoke(agentId)).toBe(false);
      expect(await agents.revoke('no-such-agent')).toBe(false);
    } finally {
      await close();
    }
  });

  it('lists agents, revoked ones when asked, with the address they last called from', async () => {
    const { agents, close } = await open();
    try {
      const first = await agents.enrol(
        { hostname: 'ws-1', version: '0.1.0', platform: 'linux', address: '10.0.0.1' },
        new Date('2026-11-02T09:00:00Z'),
      );
      const second = await agents.enrol({ hostname: 'ws-2', version: '0.1.0', platform: 'linux' });
      await agents.noteAddress(second.agentId, '10.0.0.2');
      expect((await agents.get(first.agentId))?.address).toBe('10.0.0.1');
      expect((await agents.list()).map((a) => [a.hostname, a.address])).toEqual([
        ['ws-2', '10.0.0.2'],
        ['ws-1', '10.0.0.1'],
      ]);
      await agents.revoke(first.agentId);
      expect((await agents.list()).map((a) => a.id)).toEqual([second.agentId]);
      expect((await agents.list({ includeRevoked: true })).map((a) => a.id).sort()).toEqual(
        [first.agentId, second.agentId].sort(),
      );
      expect((await agents.get(first.agentId))?.revokedAt).not.toBeNull();
      expect(await agents.get('no-such-agent')).toBeUndefined();
    } finally {
      await close();
    }
  });
}
