import { expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { DeviceInventory } from '../../domain/inventory/ports.ts';
import type { Stores } from '../../domain/ports.ts';
import { deviceReporting } from './inventory-support.ts';

/**
 * Enrolment blocks: put on a device when a person revokes its agent (unless re-enrolment is
 * allowed) or by hand on a device or a serial, allowed again, every change audited. The cases
 * need a device, so they need the inventory besides the agents and the blocks.
 */
export default function enrolmentBlocksContract(
  open: () => Promise<
    Pick<Stores, 'agents' | 'enrolmentBlocks' | 'audit' | 'close'> & {
      inventory: Pick<DeviceInventory, 'ingestSnapshot'>;
    }
  >,
): void {
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
