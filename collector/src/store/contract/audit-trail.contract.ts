import { expect, it } from 'vitest';
import type { OpenPorts } from './open-ports.ts';

/** The audit trail port: entries read back per entity, newest first, as they were recorded. */
export default function auditTrailContract(open: OpenPorts<'audit'>): void {
  it('records entries and reads one entity back, newest first', async () => {
    const stores = await open();
    const at = new Date('2024-05-01T10:00:00.000Z');
    await stores.audit.record({
      at,
      actor: 'a',
      entityType: 'asset',
      entityId: 'x',
      action: 'create',
      after: { n: 1 },
    });
    await stores.audit.record({ at, actor: 'b', entityType: 'asset', entityId: 'y', action: 'create' });
    await stores.audit.record({
      at,
      actor: 'a',
      entityType: 'asset',
      entityId: 'x',
      action: 'update',
      before: { n: 1 },
      after: { n: 2 },
      context: 'cli',
    });
    const history = await stores.audit.history('asset', 'x');
    expect(history.map((e) => e.action)).toEqual(['update', 'create']);
    expect(history[0]).toMatchObject({
      at: '2024-05-01T10:00:00.000Z',
      actor: 'a',
      before: { n: 1 },
      after: { n: 2 },
      context: 'cli',
    });
    expect(history[1]).toMatchObject({ before: null, context: null });
    expect(await stores.audit.history('asset', 'x', 1)).toHaveLength(1);
    expect(await stores.audit.history('license', 'x')).toEqual([]);
  });
}
