import { expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { OpenStores } from '../../domain/ports.ts';
import { deviceReporting } from './inventory-support.ts';

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

  it('revokes on a person’s word, blocking the agent’s device unless re-enrolment is allowed, audited', async () => {
    const stores = await open();
    try {
      const { agents, enrolmentBlocks, audit } = stores;
      const { agentId, agentToken } = await agents.enrol({ hostname: 'ws-1', version: '0.1.0', platform: 'linux' });
      const deviceId = await deviceReporting(stores, agentId, { serial: 'CZC1' });
      const revoked = await agents.revokeAsAdmin(agentId, 'ops-admin', {}, new Date('2026-11-03T10:00:00Z'));
      expect(revoked.agent).toMatchObject({
        id: agentId,
        revokedAt: '2026-11-03T10:00:00.000Z',
        revokedBy: 'ops-admin',
      });
      expect(revoked.block).toMatchObject({ kind: 'device', value: deviceId, createdBy: 'ops-admin' });
      expect(await agents.findByToken(agentToken)).toBeUndefined();
      expect(await enrolmentBlocks.list()).toEqual([revoked.block]);
      expect((await audit.history('agent', agentId))[0]).toMatchObject({ actor: 'ops-admin', action: 'revoke' });
      await expect(agents.revokeAsAdmin(agentId, 'ops-admin')).rejects.toBeInstanceOf(NotFoundError);

      const other = await agents.enrol({ hostname: 'ws-2', version: '0.1.0', platform: 'linux' });
      await deviceReporting(stores, other.agentId, { serial: 'CZC2' });
      expect((await agents.revokeAsAdmin(other.agentId, 'ops-admin', { allowReenrolment: true })).block).toBeNull();
      expect(await enrolmentBlocks.list()).toHaveLength(1);
    } finally {
      await stores.close();
    }
  });

  it('blocks a device or a serial once, refuses a junk serial or unknown device, and allows again, audited', async () => {
    const stores = await open();
    try {
      const { enrolmentBlocks, audit } = stores;
      const deviceId = await deviceReporting(stores, 'agent-1', { serial: 'CZC1' });
      const device = await enrolmentBlocks.block({ kind: 'device', value: deviceId }, 'ops-admin');
      expect(await enrolmentBlocks.block({ kind: 'device', value: deviceId }, 'other')).toEqual(device);
      const serial = await enrolmentBlocks.block({ kind: 'serial', value: 'czc 77' }, 'ops-admin');
      expect(serial).toMatchObject({ kind: 'serial', value: 'CZC77', createdBy: 'ops-admin' });
      await expect(
        enrolmentBlocks.block({ kind: 'serial', value: 'To be filled by O.E.M.' }, 'x'),
      ).rejects.toBeInstanceOf(ValidationError);
      await expect(enrolmentBlocks.block({ kind: 'device', value: 'no-such-device' }, 'x')).rejects.toBeInstanceOf(
        NotFoundError,
      );
      expect(await enrolmentBlocks.list()).toEqual([device, serial]);
      expect(await enrolmentBlocks.allow(device.id, 'ops-admin')).toEqual(device);
      await expect(enrolmentBlocks.allow(device.id, 'ops-admin')).rejects.toBeInstanceOf(NotFoundError);
      expect(await enrolmentBlocks.list()).toEqual([serial]);
      expect((await audit.history('enrolment_block', String(device.id))).map((e) => e.action)).toEqual([
        'allow',
        'block',
      ]);
    } finally {
      await stores.close();
    }
  });
}
