import type { SoftwareItem } from '@stocktake/shared';
import { DEVICE_LIST, LICENSE_LIST, sortKeys } from '@stocktake/shared/api';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../domain/audit/ports.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { DeviceInventory } from '../../domain/inventory/ports.ts';
import type { License, LicenseInput } from '../../domain/licenses/license-model.ts';
import { createLicenseService } from '../../domain/licenses/license-service.ts';
import type { Page } from '../../domain/lists/list-query.ts';
import type { AuditListQuery, LicenseListQuery } from '../../domain/lists/ports.ts';
import type { Stores } from '../../domain/ports.ts';
import { deviceReporting } from './inventory-support.ts';

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

/** What the contract exercises: the lists, and the ports that fill them. */
type Listing = Pick<Stores, 'lists' | 'licenses' | 'audit'> & { inventory: Pick<DeviceInventory, 'ingestSnapshot'> };

/**
 * The list ports: every list answers a declared query (filters, q, sort both ways, cursor,
 * limit) with one page and the cursor of the next, and refuses what it cannot answer naming the
 * query parameter.
 */
export default function listsContract(open: () => Promise<Listing>): void {
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

  describe('over the software catalogue', () => {
    it('compares versions in the order of each package’s source: dpkg’s, rpm’s, else the generic one', async () => {
      const stores = await open();
      const item = (source: SoftwareItem['source'], version: string): SoftwareItem => ({
        name: 'tool',
        version,
        source,
      });
      await deviceReporting(stores, 'agent-deb', { hostname: 'deb', software: [item('dpkg', '1.0a')] });
      await deviceReporting(stores, 'agent-rpm', { hostname: 'rhel', software: [item('rpm', '1.0^git1')] });
      await deviceReporting(stores, 'agent-win', { hostname: 'win', software: [item('registry', '1.0a')] });
      const older = async (filters: Record<string, string>) =>
        (
          await stores.lists.software.list({ filters: { name: 'tool', ...filters }, sort: 'source', limit: 10 })
        ).items.map((s) => `${s.source} ${s.version}`);
      // dpkg: letters sort before any other character (1.0a < 1.0.1); rpm: ^ sorts before the
      // next segment (1.0^git1 < 1.0.1); the generic order reads "a" after ".".
      await expect(older({ versionLt: '1.0.1' })).resolves.toEqual(['dpkg 1.0a', 'rpm 1.0^git1']);
      await expect(older({ version: '>=1.0.1' })).resolves.toEqual(['registry 1.0a']);
      const whoHas = await stores.lists.whoHas.list({
        filters: {},
        sort: 'hostname',
        limit: 10,
        software: { name: 'tool', versionGte: '1.0+' },
      });
      // dpkg: 1.0a < 1.0+ (a letter before +); rpm: + only separates and ^ comes after the end
      // (1.0^git1 > 1.0+); generic: "a" after "+".
      expect(whoHas.items.map((d) => d.hostname)).toEqual(['rhel', 'win']);
    });
  });

  describe('over the devices', () => {
    const nic = (mac: string, ipv4: string[], ipv6: string[] = []) => ({ name: 'eth0', mac, ipv4, ipv6 });
    async function fleet(): Promise<Listing> {
      const stores = await open();
      const dell = { vendor: 'Dell Inc.', model: 'Latitude 7440' };
      const specs = [
        { hostname: 'ws-03', serial: 'SER-C', system: dell, memory: 8, ip: '10.1.2.30', mac: '3c:22:fb:00:00:03' },
        {
          hostname: 'ws-01',
          serial: 'SER-A',
          system: { model: 'Custom' },
          memory: 16,
          ip: '10.1.2.10',
          mac: '3c:22:fb:00:00:01',
        },
        { hostname: 'db-01', system: dell, memory: 64, ip: '192.168.7.5', mac: 'a4:bb:6d:00:00:05' },
        {
          hostname: 'ws-02',
          serial: 'SER-B',
          system: { vendor: 'Lenovo', model: 'T14' },
          memory: 16,
          ip: '10.1.2.20',
          mac: '3c:22:fb:00:00:02',
        },
        {
          hostname: 'kiosk',
          serial: 'SER-K',
          system: { vendor: 'HP', model: 'Elite' },
          memory: 4,
          ip: '10.9.9.9',
          mac: 'f0:1f:af:00:00:09',
        },
      ];
      for (const [i, d] of specs.entries()) {
        await deviceReporting(stores, `agent-${d.hostname}`, {
          hostname: d.hostname,
          ...(d.serial ? { serial: d.serial } : {}),
          macs: [d.mac],
          at: new Date(Date.UTC(2026, 10, 1 + i)),
          hardware: { system: d.system, memory: { totalBytes: d.memory * 1024 ** 3 }, nics: [nic(d.mac, [d.ip])] },
          software: i % 2 === 0 ? [{ name: 'openssl', version: `3.0.${10 + i}`, source: 'dpkg' }] : [],
        });
      }
      return stores;
    }

    it('sorts by every declared field both ways, paging without skipping or repeating', async () => {
      const { lists } = await fleet();
      const all = (await lists.devices.list({ filters: {}, sort: 'hostname', limit: 50 })).items.map((d) => d.id);
      expect(all).toHaveLength(5);
      for (const sort of sortKeys(DEVICE_LIST)) {
        const seen: string[] = [];
        let cursor: string | undefined;
        for (let pages = 0; ; pages++) {
          expect(pages, sort).toBeLessThan(5);
          const page = await lists.devices.list({ filters: {}, sort, limit: 2, ...(cursor ? { cursor } : {}) });
          seen.push(...page.items.map((d) => d.id));
          if (!page.nextCursor) break;
          cursor = page.nextCursor;
        }
        expect(new Set(seen).size, sort).toBe(seen.length);
        expect([...seen].sort(), sort).toEqual([...all].sort());
      }
      const hosts = async (sort: (typeof DEVICE_LIST.sorts)[number] | `-${(typeof DEVICE_LIST.sorts)[number]}`) =>
        (await lists.devices.list({ filters: {}, sort, limit: 50 })).items.map((d) => d.hostname);
      // A device without a vendor sorts first, as the smallest value; ties fall to the id.
      expect((await hosts('vendor'))[0]).toBe('ws-01');
      expect((await hosts('-vendor')).at(-1)).toBe('ws-01');
      expect((await hosts('-memoryBytes'))[0]).toBe('db-01');
      expect(await hosts('lastSeenAt')).toEqual(['ws-03', 'ws-01', 'db-01', 'ws-02', 'kiosk']);
    });

    it('searches host names, serials, IP addresses and MACs as people type them, and filters by pattern', async () => {
      const { lists } = await fleet();
      const found = async (q: string, filters: Record<string, unknown> = {}) =>
        (await lists.devices.list({ filters, sort: 'hostname', limit: 50, q })).items.map((d) => d.hostname);
      expect(await found('WS-0')).toEqual(['ws-01', 'ws-02', 'ws-03']);
      expect(await found('ser-k')).toEqual(['kiosk']);
      expect(await found('10.1.2.')).toEqual(['ws-01', 'ws-02', 'ws-03']);
      expect(await found('192.168')).toEqual(['db-01']);
      expect(await found('A4-BB-6D')).toEqual(['db-01']);
      expect(await found('10.1', { vendor: 'dell*' })).toEqual(['ws-03']);
    });

    it('lists who has a package a page at a time, with the versions each has', async () => {
      const { lists } = await fleet();
      const first = await lists.whoHas.list({ filters: {}, sort: 'hostname', limit: 2, software: { name: 'OpenSSL' } });
      expect(first.items.map((d) => [d.hostname, d.versions])).toEqual([
        ['db-01', ['3.0.12']],
        ['kiosk', ['3.0.14']],
      ]);
      const rest = await lists.whoHas.list({
        filters: {},
        sort: 'hostname',
        limit: 2,
        software: { name: 'OpenSSL' },
        cursor: first.nextCursor ?? '',
      });
      expect(rest.items.map((d) => d.hostname)).toEqual(['ws-03']);
      expect(rest.nextCursor).toBeNull();
      const older = await lists.whoHas.list({
        filters: {},
        sort: 'hostname',
        limit: 10,
        software: { name: 'openssl', versionLt: '3.0.12' },
      });
      expect(older.items.map((d) => d.hostname)).toEqual(['ws-03']);
    });
  });

  describe('over the license book', () => {
    const by = { actor: 'contract' };
    const LICENSES: LicenseInput[] = [
      { product: 'Office 365', publisher: 'Microsoft', seats: 10, metric: 'per_user', orderNumber: 'PO-1' },
      { product: 'Office 2021', publisher: 'Microsoft', seats: 5, orderNumber: 'PO-2' },
      { product: 'Visio', publisher: 'Microsoft', seats: 5, termEnd: '2026-01-31' },
      { product: 'Photoshop', publisher: 'Adobe', seats: 3, metric: 'per_user', termEnd: '2025-06-30' },
      { product: 'Acrobat', publisher: 'Adobe', seats: 5 },
      { product: 'AutoCAD', publisher: 'Autodesk', seats: 2, notes: 'design team' },
      { product: 'Zoom', seats: 10 },
    ];
    async function seeded(): Promise<Listing> {
      const stores = await open();
      const licenses = createLicenseService(stores.licenses);
      for (const input of LICENSES) await licenses.create(input, by);
      return stores;
    }
    const products = (page: Page<License>) => page.items.map((l) => l.product);

    it('filters by pattern, one of a set and date, and searches with q', async () => {
      const { lists } = await seeded();
      const list = (filters: LicenseListQuery['filters'], q?: string) =>
        lists.licenses.list({ filters, sort: 'product', limit: 50, ...(q !== undefined ? { q } : {}) }).then(products);
      expect(await list({ product: 'office*' })).toEqual(['Office 2021', 'Office 365']);
      expect(await list({ product: 'o?fice 365' })).toEqual(['Office 365']);
      expect(await list({ metric: 'per_user' })).toEqual(['Office 365', 'Photoshop']);
      expect(await list({ publisher: 'MICRO*', metric: 'per_device' })).toEqual(['Office 2021', 'Visio']);
      expect(await list({ termEndBefore: '2025-12-31' })).toEqual(['Photoshop']);
      expect(await list({}, 'design')).toEqual(['AutoCAD']);
      expect(await list({}, 'ADOBE')).toEqual(['Acrobat', 'Photoshop']);
      expect(await list({ product: 'nothing*' })).toEqual([]);
    });

    it('sorts by every declared field both ways, paging without skipping or repeating', async () => {
      const { lists } = await seeded();
      const all = (await lists.licenses.list({ filters: {}, sort: 'product', limit: 50 })).items.map((l) => l.id);
      expect(all).toHaveLength(LICENSES.length);
      for (const sort of sortKeys(LICENSE_LIST)) {
        const seen: License[] = [];
        let cursor: string | undefined;
        for (let pages = 0; ; pages++) {
          expect(pages, sort).toBeLessThan(LICENSES.length);
          const page = await lists.licenses.list({ filters: {}, sort, limit: 2, ...(cursor ? { cursor } : {}) });
          expect(page.items.length, sort).toBeLessThanOrEqual(2);
          seen.push(...page.items);
          if (!page.nextCursor) break;
          cursor = page.nextCursor;
        }
        const ids = seen.map((l) => l.id);
        expect(new Set(ids).size, sort).toBe(ids.length);
        expect([...ids].sort(), sort).toEqual([...all].sort());
        if (sort === 'seats' || sort === '-seats') {
          const seats = seen.map((l) => l.seats);
          const ordered = [...seats].sort((a, b) => (sort === 'seats' ? a - b : b - a));
          expect(seats, sort).toEqual(ordered);
        }
      }
      expect(products(await lists.licenses.list({ filters: {}, sort: '-product', limit: 3 }))).toEqual([
        'Zoom',
        'Visio',
        'Photoshop',
      ]);
    });

    it('gives at most limit items, and a next cursor only while more are left', async () => {
      const { lists } = await seeded();
      const first = await lists.licenses.list({ filters: {}, sort: 'product', limit: 3 });
      expect(products(first)).toEqual(['Acrobat', 'AutoCAD', 'Office 2021']);
      expect(first.nextCursor).not.toBeNull();
      const exact = await lists.licenses.list({ filters: {}, sort: 'product', limit: LICENSES.length });
      expect(exact.items).toHaveLength(LICENSES.length);
      expect(exact.nextCursor).toBeNull();
      const rest = await lists.licenses.list({
        filters: {},
        sort: 'product',
        limit: 50,
        cursor: first.nextCursor ?? '',
      });
      expect(products(rest)).toEqual(['Office 365', 'Photoshop', 'Visio', 'Zoom']);
      expect(rest.nextCursor).toBeNull();
    });
  });

  describe('over the audit trail', () => {
    it('filters by entity and action, searches the context, newest first or oldest first', async () => {
      const stores = await open();
      const at = new Date();
      const entries: AuditEntry[] = [
        { actor: 'alice', entityType: 'asset', entityId: 'a-1', action: 'create', at, context: 'import line 2' },
        { actor: 'bob', entityType: 'asset', entityId: 'a-1', action: 'update', at },
        { actor: 'alice', entityType: 'license', entityId: 'l-1', action: 'create', at },
        { actor: 'carol', entityType: 'asset', entityId: 'a-2', action: 'delete', at, context: 'cli run' },
      ];
      for (const e of entries) await stores.audit.record(e);
      const list = async (query: Omit<AuditListQuery, 'limit'>) =>
        (await stores.lists.audit.list({ ...query, limit: 50 })).items.map((r) => `${r.entityId}:${r.action}`);
      expect(await list({ filters: {}, sort: '-id' })).toEqual([
        'a-2:delete',
        'l-1:create',
        'a-1:update',
        'a-1:create',
      ]);
      expect(await list({ filters: {}, sort: 'id' })).toEqual(['a-1:create', 'a-1:update', 'l-1:create', 'a-2:delete']);
      expect(await list({ filters: { entityType: 'asset', entityId: 'a-1' }, sort: '-id' })).toEqual([
        'a-1:update',
        'a-1:create',
      ]);
      expect(await list({ filters: { action: 'create', actor: 'ALI*' }, sort: 'id' })).toEqual([
        'a-1:create',
        'l-1:create',
      ]);
      expect(await list({ filters: { withinDays: 1 }, sort: 'id', q: 'import' })).toEqual(['a-1:create']);
    });
  });
}
