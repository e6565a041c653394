import { expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../domain/errors.ts';
import { createLicenseService } from '../../domain/licenses/license-service.ts';
import type { OpenPorts } from './open-ports.ts';

const by = { actor: 'contract' };

/** The license book port: entitlements unique by product and order number, every write audited. */
export default function licenseBookContract(open: OpenPorts<'licenses' | 'audit'>): void {
  it('creates, updates and lists licenses', async () => {
    const stores = await open();
    const licenses = createLicenseService(stores.licenses);
    const office = await licenses.create({ product: 'Office', seats: 10, costPerSeat: 12.5 }, by);
    const visio = await licenses.create({ product: 'Visio', seats: 2, orderNumber: 'PO-7' }, by);
    expect(office).toMatchObject({ namePattern: 'Office', metric: 'per_device', costPerSeat: 12.5, orderNumber: null });
    expect(await stores.licenses.get(office.id)).toEqual(office);
    expect(await stores.licenses.getByKey('Visio', 'PO-7')).toEqual(visio);
    expect(await stores.licenses.getByKey('Visio', null)).toBeUndefined();

    const changed = await licenses.update(office.id, { seats: 12 }, by);
    expect(changed.seats).toBe(12);
    expect((await stores.licenses.all()).map((l) => [l.product, l.seats])).toEqual([
      ['Office', 12],
      ['Visio', 2],
    ]);
    const [update, create] = await stores.audit.history('license', office.id);
    expect(update).toMatchObject({ action: 'update', before: { seats: 10 }, after: { seats: 12 } });
    expect(create).toMatchObject({ action: 'create', actor: 'contract' });
  });

  it('refuses a second license of a product under the same order number', async () => {
    const stores = await open();
    const licenses = createLicenseService(stores.licenses);
    await licenses.create({ product: 'Office', seats: 10 }, by);
    await expect(licenses.create({ product: 'Office', seats: 3 }, by)).rejects.toBeInstanceOf(ConflictError);
    await licenses.create({ product: 'Office', seats: 3, orderNumber: 'PO-2' }, by);
    expect(await stores.licenses.all()).toHaveLength(2);
  });

  it('removes a license, keeping it in the audit trail', async () => {
    const stores = await open();
    const licenses = createLicenseService(stores.licenses);
    const made = await licenses.create({ product: 'Office', seats: 10 }, by);
    await licenses.remove(made.id, by);
    expect(await stores.licenses.get(made.id)).toBeUndefined();
    const [entry] = await stores.audit.history('license', made.id);
    expect(entry).toMatchObject({ action: 'delete', before: { product: 'Office', seats: 10 } });
    await expect(licenses.remove(made.id, by)).rejects.toBeInstanceOf(NotFoundError);
  });
}
