import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test-support/test-app.ts';
import { ConflictError } from '../errors.ts';
import { importLicensesCsv } from '../licenses/license-csv.ts';
import { importAssetsCsv } from './asset-csv.ts';
import type { ImportProgress } from './csv-import.ts';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => t.close());

const ROWS = 600;
const tagOf = (i: number) => `AT-${String(i).padStart(4, '0')}`;
const lineOf = (i: number) => i + 2;

/** Every asset of the fleet at `location`. */
function file(location: string): string {
  const lines = ['Asset Tag,Item Name,Location'];
  for (let i = 0; i < ROWS; i++) lines.push(`${tagOf(i)},Laptop ${i},${location}`);
  return `${lines.join('\r\n')}\r\n`;
}

const importFile = (text: string, progress?: (p: ImportProgress) => void) =>
  importAssetsCsv(t.app.stores.assets, text, {
    dryRun: false,
    actor: 'test',
    run: { chunkedWrites: true, ...(progress ? { progress } : {}) },
  });

const locations = () =>
  new Map(
    (
      t.store.sqlite.prepare('select asset_tag as tag, location from assets').all() as {
        tag: string;
        location: string;
      }[]
    ).map((r) => [r.tag, r.location]),
  );

describe('an asset import planned again as it is written', () => {
  it('stops at a row whose asset changed after the file was checked, and a second import completes it', async () => {
    await importFile(file('Old'));
    const moved = ROWS - 10;
    // Someone moves one asset once the file is checked and its writing has begun: the first chunk
    // is written, and the moved asset comes in a later one.
    let firstWrite = true;
    const refused = await importFile(file('New'), (p) => {
      if (p.phase !== 'writing' || !firstWrite) return;
      firstWrite = false;
      t.store.sqlite.prepare('update assets set location = ? where asset_tag = ?').run('Moved', tagOf(moved));
    }).catch((err: unknown) => err);

    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as Error).message).toContain(`Asset ${tagOf(moved)} (line ${lineOf(moved)}) changed while`);
    const after = locations();
    expect(after.get(tagOf(0))).toBe('New');
    expect(after.get(tagOf(moved))).toBe('Moved');
    expect(after.get(tagOf(ROWS - 1))).toBe('Old');
    const written = [...after.values()].filter((l) => l === 'New').length;
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(moved);

    const again = await importFile(file('New'));
    expect(again.created).toHaveLength(0);
    expect(again.unchanged).toHaveLength(written);
    expect(again.updated).toHaveLength(ROWS - written);
    expect(again.updated.find((u) => u.assetTag === tagOf(moved))?.changes).toEqual([
      { field: 'location', from: 'Moved', to: 'New' },
    ]);
    expect(new Set(locations().values())).toEqual(new Set(['New']));
  });

  it('writes what the outcome says, row for row, when nothing changes meanwhile', async () => {
    const created = await importFile(file('Old'));
    expect(created.created.map((c) => c.assetTag)).toEqual(Array.from({ length: ROWS }, (_, i) => tagOf(i)));
    const updated = await importFile(file('New'));
    expect(updated.updated).toHaveLength(ROWS);
    expect(new Set(locations().values())).toEqual(new Set(['New']));
    const audited = t.store.sqlite
      .prepare("select count(*) as n from audit_log where entity_type = 'asset' and action = 'update'")
      .get() as { n: number };
    expect(audited.n).toBe(ROWS);
  });
});

describe('a license import planned again as it is written', () => {
  const licenses = (seats: number) => {
    const lines = ['product,name_pattern,metric,seats,order_number'];
    for (let i = 0; i < ROWS; i++) lines.push(`Product ${i},product-${i}*,per_device,${seats},PO-${i}`);
    return `${lines.join('\r\n')}\r\n`;
  };
  const importLicenses = (text: string, progress?: (p: ImportProgress) => void) =>
    importLicensesCsv(t.app.stores.licenses, text, {
      dryRun: false,
      actor: 'test',
      run: { chunkedWrites: true, ...(progress ? { progress } : {}) },
    });
  const seats = () =>
    (t.store.sqlite.prepare('select seats from licenses').all() as { seats: number }[]).map((r) => r.seats);

  it('names the license that changed meanwhile, and a second import completes the file', async () => {
    await importLicenses(licenses(10));
    const changed = ROWS - 5;
    let firstWrite = true;
    const refused = await importLicenses(licenses(20), (p) => {
      if (p.phase !== 'writing' || !firstWrite) return;
      firstWrite = false;
      t.store.sqlite.prepare('update licenses set seats = 15 where order_number = ?').run(`PO-${changed}`);
    }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as Error).message).toContain(
      `The license of Product ${changed}, order PO-${changed} (line ${lineOf(changed)}) changed while`,
    );
    expect(seats()).toContain(10);
    expect(seats()).toContain(15);

    const again = await importLicenses(licenses(20));
    expect(again.updated.length + again.unchanged.length).toBe(ROWS);
    expect(new Set(seats())).toEqual(new Set([20]));
  });
});
