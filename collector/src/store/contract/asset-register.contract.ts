import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../domain/errors.ts';
import { planAsset } from '../../domain/register/asset-plan.ts';
import { assetWrite } from '../../domain/register/asset-writes.ts';
import { createRegisterService } from '../../domain/register/register-service.ts';
import type { OpenPorts } from './open-ports.ts';

const by = { actor: 'contract' };
const disposal = { method: 'destroy', certificateRef: 'CERT-1', vendor: 'Shredders Ltd', date: '2024-05-01' } as const;

/** A planned create as the domain hands it to the port. */
function plannedCreate(tag: string) {
  const { plan } = planAsset(undefined, { assetTag: tag });
  if (!plan) throw new Error('a bare tag plans');
  const write = assetWrite(plan, by);
  if (!write) throw new Error('a create writes');
  return write;
}

/** The asset register port: what the register's rules rely on, whatever the engine. */
/** What the contract exercises: the register, and the audit trail its writes record to. */
type Registering = Awaited<ReturnType<OpenPorts<'assets' | 'audit'>>>;

export default function assetRegisterContract(open: OpenPorts<'assets' | 'audit'>): void {
  async function opened(): Promise<{ stores: Registering; register: ReturnType<typeof createRegisterService> }> {
    const stores = await open();
    return { stores, register: createRegisterService(stores.assets) };
  }

  it('creates an asset and reads it back by id, by tag and in detail', async () => {
    const { stores, register } = await opened();
    const made = await register.create({ assetTag: 'LT-1', serial: 'S-1', macs: ['aa:bb:cc:dd:ee:01'] }, {}, by);
    expect(await stores.assets.get(made.id)).toEqual(made);
    expect(await stores.assets.getByTag('LT-1')).toEqual(made);
    expect(made).toMatchObject({ assetTag: 'LT-1', serial: 'S-1', macs: ['aa:bb:cc:dd:ee:01'], status: 'in_stock' });
    expect(made.lockedFields).toEqual(['serial', 'macs']);
    const detail = await stores.assets.detail(made.id);
    expect(detail?.statusEvents).toMatchObject([{ from: null, to: 'in_stock', actor: 'contract', disposal: null }]);
    expect(detail?.devices).toEqual([]);
    expect(await stores.assets.get('no-such-id')).toBeUndefined();
    expect(await stores.assets.detail('no-such-id')).toBeUndefined();
  });

  it('refuses a second asset with the same tag as a ConflictError, writing nothing', async () => {
    const { stores, register } = await opened();
    const first = await register.create({ assetTag: 'LT-1' }, {}, by);
    await expect(register.create({ assetTag: 'LT-1', name: 'other' }, {}, by)).rejects.toBeInstanceOf(ConflictError);
    // The port holds the rule too, for a write planned before the tag was taken.
    await expect(stores.assets.write([plannedCreate('LT-1')])).rejects.toBeInstanceOf(ConflictError);
    const all = [];
    for await (const a of stores.assets.all()) all.push(a);
    expect(all).toEqual([first]);
    expect(await stores.audit.history('asset', first.id)).toHaveLength(1);
  });

  it('writes a batch all or none', async () => {
    const { stores } = await opened();
    await stores.assets.write([plannedCreate('LT-1')]);
    await expect(stores.assets.write([plannedCreate('LT-2'), plannedCreate('LT-1')])).rejects.toBeInstanceOf(
      ConflictError,
    );
    await expect(stores.assets.write([plannedCreate('LT-3'), plannedCreate('LT-3')])).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(await stores.assets.getByTag('LT-2')).toBeUndefined();
    expect(await stores.assets.getByTag('LT-3')).toBeUndefined();
  });

  it('applies a batch as write does, all or none, without handing the assets back', async () => {
    const { stores, register } = await opened();
    const first = await register.create({ assetTag: 'LT-1' }, {}, by);
    const batch = [plannedCreate('LT-2'), plannedCreate('LT-3')];
    expect(await stores.assets.apply(batch)).toBeUndefined();
    const stored = await Promise.all(batch.map((w) => stores.assets.get(w.id)));
    expect(stored.map((a) => a?.assetTag)).toEqual(['LT-2', 'LT-3']);
    expect(await stores.audit.history('asset', batch[0]?.id ?? '')).toHaveLength(1);
    await expect(stores.assets.apply([plannedCreate('LT-4'), plannedCreate('LT-1')])).rejects.toBeInstanceOf(
      ConflictError,
    );
    await expect(stores.assets.apply([plannedCreate('LT-5'), plannedCreate('LT-5')])).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(await stores.assets.getByTag('LT-4')).toBeUndefined();
    expect(await stores.assets.getByTag('LT-5')).toBeUndefined();
    expect(await stores.assets.get(first.id)).toEqual(first);
  });

  it('refuses a change planned on an asset that changed since', async () => {
    const { stores, register } = await opened();
    const made = await register.create({ assetTag: 'LT-1' }, {}, by);
    const { plan } = planAsset(made, { name: 'stale' });
    await register.update(made.id, { name: 'fresh' }, {}, { ...by, now: new Date(Date.now() + 1000) });
    const stale = plan && assetWrite(plan, by);
    if (!stale) throw new Error('a rename writes');
    await expect(stores.assets.write([stale])).rejects.toBeInstanceOf(ConflictError);
    expect((await stores.assets.get(made.id))?.name).toBe('fresh');
  });

  it('records a status change as an event with its audit entry', async () => {
    const { stores, register } = await opened();
    const made = await register.create({ assetTag: 'LT-1', status: 'deployed' }, {}, by);
    const moved = await register.update(made.id, { status: 'in_repair' }, { note: 'screen' }, by);
    expect(moved.status).toBe('in_repair');
    const events = await stores.assets.statusEvents(made.id);
    expect(events.map((e) => [e.from, e.to, e.note])).toEqual([
      [null, 'deployed', null],
      ['deployed', 'in_repair', 'screen'],
    ]);
    const [latest] = await stores.audit.history('asset', made.id);
    expect(latest).toMatchObject({ action: 'status', before: { status: 'deployed' }, after: { status: 'in_repair' } });
  });

  it('keeps the disposal record with the status event that disposed of the asset', async () => {
    const { stores, register } = await opened();
    const made = await register.create({ assetTag: 'LT-1', status: 'retired' }, {}, by);
    expect(await stores.assets.latestDisposal(made.id)).toBeUndefined();
    await register.update(made.id, { status: 'disposed' }, { disposal }, by);
    const record = { ...disposal, notes: null, proceeds: null };
    expect(await stores.assets.latestDisposal(made.id)).toEqual(record);
    expect((await stores.assets.statusEvents(made.id)).at(-1)).toMatchObject({ to: 'disposed', disposal: record });
  });

  it('keeps what a disposal brought in or cost, and an asset’s support contract', async () => {
    const { stores, register } = await opened();
    const sold = await register.create({ assetTag: 'LT-2', status: 'retired' }, {}, by);
    await register.update(sold.id, { status: 'disposed' }, { disposal: { ...disposal, proceeds: 120.5 } }, by);
    expect((await stores.assets.latestDisposal(sold.id))?.proceeds).toBe(120.5);
    const paid = await register.create({ assetTag: 'LT-3', status: 'retired' }, {}, by);
    await register.update(paid.id, { status: 'disposed' }, { disposal: { ...disposal, proceeds: -35 } }, by);
    expect((await stores.assets.statusEvents(paid.id)).at(-1)?.disposal?.proceeds).toBe(-35);
    const supported = await register.create(
      { assetTag: 'SRV-1', supportCost: 1200.25, supportStart: '2024-01-01', supportEnd: '2027-01-31' },
      {},
      by,
    );
    expect(await stores.assets.get(supported.id)).toMatchObject({
      supportCost: 1200.25,
      supportStart: '2024-01-01',
      supportEnd: '2027-01-31',
    });
  });

  it('lists every asset in tag order', async () => {
    const { stores, register } = await opened();
    for (const tag of ['LT-3', 'LT-1', 'LT-2']) await register.create({ assetTag: tag }, {}, by);
    const tags = [];
    for await (const a of stores.assets.all()) tags.push(a.assetTag);
    expect(tags).toEqual(['LT-1', 'LT-2', 'LT-3']);
  });

  describe('remove', () => {
    it('removes an asset with the audit entries made of what it held', async () => {
      const { stores, register } = await opened();
      const made = await register.create({ assetTag: 'LT-1' }, {}, by);
      await register.remove(made.id, by);
      expect(await stores.assets.get(made.id)).toBeUndefined();
      const [entry] = await stores.audit.history('asset', made.id);
      expect(entry).toMatchObject({
        action: 'delete',
        actor: 'contract',
        before: { assetTag: 'LT-1', statusEvents: [{ from: null, to: 'in_stock' }] },
      });
    });

    it('says NotFoundError for an asset it does not hold', async () => {
      const { stores } = await opened();
      await expect(stores.assets.remove('no-such-id', () => [])).rejects.toBeInstanceOf(NotFoundError);
    });
  });
}
