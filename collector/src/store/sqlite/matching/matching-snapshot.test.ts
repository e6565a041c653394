import { seededRandom } from '@stocktake/shared/testing';
import { describe, expect, it } from 'vitest';
import { hostnameKey, serialKey, uuidKey } from '../../../domain/matching/identifiers.ts';
import { createAuditLog } from '../audit/audit-repository.ts';
import { type OpenedDatabase, openDatabase } from '../open-database.ts';
import { createMatcher } from './matcher.ts';

const AT = '2026-11-01T00:00:00.000Z';

/**
 * A small fleet and register drawn from small pools of identifiers, so that serials, UUIDs,
 * MACs and host names collide between devices, between assets, and disagree across them; with
 * locked fields, manual links and unlinks, and stale discovery links.
 */
function populate(opened: OpenedDatabase, seed: number): void {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const maybe = <T>(p: number, value: () => T): T | null => (random() < p ? value() : null);
  const serials = [...Array.from({ length: 25 }, (_, i) => `SN${i}`), 'To be filled by O.E.M.'];
  const uuids = Array.from({ length: 20 }, (_, i) => `4c4c4544-0000-0000-0000-${String(i).padStart(12, '0')}`);
  const hosts = Array.from({ length: 25 }, (_, i) => `ws-${i}`);
  const macs = Array.from({ length: 30 }, (_, i) => `3c:22:fb:00:00:${i.toString(16).padStart(2, '0')}`);
  const { sqlite } = opened;
  const device = sqlite.prepare(
    `insert into devices (key, id, hostname, hostname_key, hardware_serial, serial_key, hardware_uuid, uuid_key,
       vendor, model, macs, first_seen_at, last_seen_at, section_status) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', ?, ?, '{}')`,
  );
  const deviceMac = sqlite.prepare('insert or ignore into device_macs (device_key, mac) values (?, ?)');
  const asset = sqlite.prepare(
    `insert into assets (id, asset_tag, serial, serial_key, hardware_uuid, uuid_key, hostname, hostname_key,
       manufacturer, model, status, locked_fields, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'deployed', ?, ?, ?)`,
  );
  const assetMac = sqlite.prepare('insert or ignore into asset_macs (asset_id, mac) values (?, ?)');
  const link = sqlite.prepare(
    'insert into device_asset_links (device_key, asset_id, method, linked_at, linked_by) values (?, ?, ?, ?, ?)',
  );
  const assetIds: string[] = [];
  for (let i = 0; i < 50; i++) {
    const id = `asset-${i}`;
    assetIds.push(id);
    const serial = maybe(0.6, () => pick(serials));
    const uuid = maybe(0.3, () => pick(uuids));
    const host = maybe(0.5, () => pick(hosts));
    const locked = ['serial', 'hardwareUuid', 'hostname', 'macs', 'model'].filter(() => random() < 0.15);
    asset.run(
      id,
      `TAG-${i}`,
      serial,
      serialKey(serial) ?? null,
      uuid,
      uuidKey(uuid) ?? null,
      host,
      hostnameKey(host) ?? null,
      maybe(0.5, () => 'Dell Inc.'),
      maybe(0.5, () => 'Latitude 7440'),
      JSON.stringify(locked),
      AT,
      AT,
    );
    for (let m = 0; m < Math.floor(random() * 3); m++) assetMac.run(id, pick(macs));
  }
  for (let key = 1; key <= 60; key++) {
    const serial = maybe(0.7, () => pick(serials));
    const uuid = maybe(0.6, () => pick(uuids));
    const host = pick(hosts);
    device.run(
      key,
      `dev-${key}`,
      host,
      hostnameKey(host) ?? null,
      serial,
      serialKey(serial) ?? null,
      uuid,
      uuidKey(uuid) ?? null,
      maybe(0.8, () => pick(['Dell Inc.', 'LENOVO', 'HP'])),
      maybe(0.8, () => pick(['Latitude 7440', 'ThinkPad T14', 'EliteBook 840'])),
      AT,
      AT,
    );
    for (let m = 0; m < Math.floor(random() * 3); m++) deviceMac.run(key, pick(macs));
    const r = random();
    if (r < 0.1) link.run(key, pick(assetIds), 'manual', AT, 'alice');
    else if (r < 0.15) link.run(key, null, 'manual', AT, 'alice');
    else if (r < 0.35) link.run(key, pick(assetIds), pick(['serial', 'uuid', 'mac', 'hostname']), AT, 'discovery');
  }
}

const dump = (opened: OpenedDatabase) => ({
  links: opened.sqlite.prepare('select * from device_asset_links order by device_key').all(),
  assets: opened.sqlite.prepare('select * from assets order by id').all(),
  assetMacs: opened.sqlite.prepare('select * from asset_macs order by asset_id, mac').all(),
  audit: opened.sqlite.prepare('select * from audit_log order by id').all(),
});

describe('matching every device from a snapshot', () => {
  it('links, fills and audits exactly as matching each device in turn does', () => {
    const now = new Date('2026-11-02T00:00:00.000Z');
    let fills = 0;
    for (let seed = 1; seed <= 25; seed++) {
      const whole = openDatabase(':memory:');
      const oneByOne = openDatabase(':memory:');
      try {
        populate(whole, seed);
        populate(oneByOne, seed);
        const passTotals = createMatcher(whole.db, createAuditLog(whole.db)).matchAll(now);
        const matcher = createMatcher(oneByOne.db, createAuditLog(oneByOne.db));
        const totals = { devices: 0, changed: 0, linked: 0 };
        for (let key = 1; key <= 60; key++) {
          const r = matcher.matchDevice(key, now);
          totals.devices++;
          if (r.changed) totals.changed++;
          if (r.assetId) totals.linked++;
        }
        expect(passTotals, `seed ${seed}`).toEqual(totals);
        const expected = dump(oneByOne);
        expect(dump(whole), `seed ${seed}`).toEqual(expected);
        fills += expected.audit.filter((a) => (a as { entity_type: string }).entity_type === 'asset').length;
      } finally {
        whole.close();
        oneByOne.close();
      }
    }
    // The fleets do make discovery fill the register, which later devices' matches then see.
    expect(fills).toBeGreaterThan(25);
  });
});
