import { expect, it } from 'vitest';
import type { OpenStores } from '../../domain/ports.ts';

/** Agents: enrolment hands out a token once; the token finds its agent until it is revoked. */
export default function agentsContract(open: OpenStores): void {
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
        deviceId: null,
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
}
