import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { OpenStores } from '../../domain/ports.ts';

/** The field a refusal names, or the error itself when it is not a ValidationError. */
async function refusedField(promise: Promise<unknown>): Promise<string | unknown> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ValidationError) return err.problems[0]?.field;
    return err;
  }
  throw new Error('the list answered a request it should have refused');
}

/**
 * The list ports: every list answers a declared query (filters, q, sort both ways, cursor,
 * limit) with one page and the cursor of the next, and refuses what it cannot answer naming the
 * query parameter.
 */
export default function listsContract(open: OpenStores): void {
  describe('on an empty store', () => {
    it('answers every list with an empty last page', async () => {
      const { lists } = await open();
      const pages = await Promise.all([
        lists.devices.list({ filters: {}, sort: 'hostname', limit: 10 }),
        lists.assets.list({ filters: {}, sort: 'assetTag', limit: 10 }),
        lists.licenses.list({ filters: {}, sort: '-seats', limit: 10 }),
        lists.findings.list({ filters: { status: 'active' }, sort: '-severity', limit: 10 }),
        lists.runs.list({ filters: {}, sort: '-id', limit: 10 }),
        lists.audit.list({ filters: {}, sort: '-id', limit: 10, q: 'anything' }),
        lists.software.list({ filters: { name: 'openssl', versionLt: '3.0.13' }, sort: 'name', limit: 10 }),
        lists.whoHas.list({ filters: {}, sort: 'hostname', limit: 10, software: { name: 'openssl' } }),
      ]);
      for (const page of pages) expect(page).toEqual({ items: [], nextCursor: null });
    });

    it('refuses a sort, a filter or a cursor it does not know, naming the parameter', async () => {
      const { lists } = await open();
      const forged = Buffer.from(JSON.stringify(['hostname', 'x', 'y'])).toString('base64url');
      await expect(refusedField(lists.devices.list({ filters: {}, sort: 'colour' as never, limit: 5 }))).resolves.toBe(
        'sort',
      );
      await expect(
        refusedField(lists.licenses.list({ filters: { colour: 'red' } as never, sort: 'product', limit: 5 })),
      ).resolves.toBe('colour');
      await expect(
        refusedField(lists.devices.list({ filters: {}, sort: 'hostname', limit: 5, cursor: 'nope' })),
      ).resolves.toBe('cursor');
      // A cursor is good only for the sort it was issued for.
      await expect(
        refusedField(lists.devices.list({ filters: {}, sort: '-hostname', limit: 5, cursor: forged })),
      ).resolves.toBe('cursor');
      await expect(refusedField(lists.runs.list({ filters: {}, sort: '-id', limit: 5, q: 'x' }))).resolves.toBe('q');
    });

    it('refuses a version that is not a version range, naming the parameter', async () => {
      const { lists } = await open();
      await expect(
        refusedField(lists.software.list({ filters: { version: '>>1' }, sort: 'name', limit: 5 })),
      ).resolves.toBe('version');
      await expect(
        refusedField(
          lists.whoHas.list({ filters: {}, sort: 'hostname', limit: 5, software: { name: 'x', version: '>>1' } }),
        ),
      ).resolves.toBe('version');
    });

    it('answers the changes of a device that does not exist with NotFoundError', async () => {
      const { lists } = await open();
      await expect(
        lists.deviceChanges.list({ deviceId: 'no-such-device', filters: {}, sort: '-id', limit: 5 }),
      ).rejects.toBeInstanceOf(NotFoundError);
    });
  });
}
