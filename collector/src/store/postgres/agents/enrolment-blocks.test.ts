import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../../domain/errors.ts';
import { connect, type Db } from '../connection.ts';
import { agents, devices } from '../schema/index.ts';
import { openPostgresStores, type PostgresPorts } from '../stores.ts';
import { testDatabases } from '../test-support/test-databases.test-support.ts';

/**
 * The enrolment-blocks contract makes its devices through the inventory port, which this engine
 * does not have yet; until it does, the same behaviours are checked here on a device row written
 * directly, and an agent following it.
 */
const databases = testDatabases();
const opened: { stores: PostgresPorts; db: Db }[] = [];

async function open() {
  const url = await databases.create();
  const entry = { stores: await openPostgresStores({ url, poolSize: 2 }), db: connect({ url, poolSize: 1 }) };
  opened.push(entry);
  return entry;
}
afterAll(async () => {
  for (const { stores, db } of opened) {
    await stores.close();
    await db.$client.end();
  }
});

async function deviceRow(db: Db, id: string, serial: string): Promise<string> {
  const at = new Date('2026-11-01T00:00:00Z');
  await db.insert(devices).values({
    id,
    hostname: id,
    hardwareSerial: serial,
    macs: [],
    firstSeenAt: at,
    lastSeenAt: at,
    sectionStatus: {},
  });
  return id;
}

describe('enrolment blocks on PostgreSQL', () => {
  it('revokes on a person’s word, blocking the agent’s device unless re-enrolment is allowed, audited', async () => {
    const { stores, db } = await open();
    const { agents: agentPort, enrolmentBlocks, audit } = stores;
    const { agentId, agentToken } = await agentPort.enrol({ hostname: 'ws-1', version: '0.1.0', platform: 'linux' });
    const deviceId = await deviceRow(db, 'device-1', 'CZC1');
    await db.update(agents).set({ deviceId }).where(eq(agents.id, agentId));
    const revoked = await agentPort.revokeAsAdmin(agentId, 'ops-admin', {}, new Date('2026-11-03T10:00:00Z'));
    expect(revoked.agent).toMatchObject({ id: agentId, revokedAt: '2026-11-03T10:00:00.000Z', revokedBy: 'ops-admin' });
    expect(revoked.block).toMatchObject({ kind: 'device', value: deviceId, createdBy: 'ops-admin' });
    expect(await agentPort.findByToken(agentToken)).toBeUndefined();
    expect(await enrolmentBlocks.list()).toEqual([revoked.block]);
    expect((await audit.history('agent', agentId))[0]).toMatchObject({ actor: 'ops-admin', action: 'revoke' });
    await expect(agentPort.revokeAsAdmin(agentId, 'ops-admin')).rejects.toBeInstanceOf(NotFoundError);

    const other = await agentPort.enrol({ hostname: 'ws-2', version: '0.1.0', platform: 'linux' });
    await db
      .update(agents)
      .set({ deviceId: await deviceRow(db, 'device-2', 'CZC2') })
      .where(eq(agents.id, other.agentId));
    expect((await agentPort.revokeAsAdmin(other.agentId, 'ops-admin', { allowReenrolment: true })).block).toBeNull();
    expect(await enrolmentBlocks.list()).toHaveLength(1);
  });

  it('blocks a device or a serial once, refuses a junk serial or unknown device, and allows again, audited', async () => {
    const { stores, db } = await open();
    const { enrolmentBlocks, audit } = stores;
    const deviceId = await deviceRow(db, 'device-1', 'CZC1');
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
  });
});
