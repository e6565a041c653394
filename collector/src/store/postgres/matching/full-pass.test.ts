import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openPostgresStores, type PostgresPorts } from '../stores.ts';
import { testDatabases } from '../test-support/test-databases.test-support.ts';

const databases = testDatabases();
const opened: PostgresPorts[] = [];
afterAll(async () => {
  for (const s of opened) await s.close();
});

/**
 * More devices than one statement's 65,535 parameters could audit at once (a link and a fill
 * each, eight parameters an entry): a full pass over a fleet this size must still write them all.
 */
const FLEET = 4200;

/** Devices that report a host name and serial, and a register holding each serial without a host name. */
async function plantFleet(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `insert into devices (id, hostname, hostname_key, hardware_serial, serial_key, macs, software_count,
         pending_updates, pending_security_updates, first_seen_at, last_seen_at, last_collected_at, section_status, patches)
       select 'dev-' || i, 'ws-' || i, 'ws-' || i, 'SN' || i, 'SN' || i, '[]', 0, 0, 0, now(), now(), now(), '{}', '{}'
         from generate_series(1, $1::int) as i`,
      [FLEET],
    );
    await client.query(
      `insert into assets (id, asset_tag, serial, serial_key, status, locked_fields, created_at, updated_at)
       select 'asset-' || i, 'LT-' || i, 'SN' || i, 'SN' || i, 'deployed', '[]', now(), now()
         from generate_series(1, $1::int) as i`,
      [FLEET],
    );
  } finally {
    await client.end();
  }
}

describe('a full matching pass on PostgreSQL', () => {
  it('links, fills and audits a fleet larger than one statement can carry', async () => {
    const url = await databases.create();
    await plantFleet(url);
    const stores = await openPostgresStores({ url, poolSize: 2 });
    opened.push(stores);

    const summary = await stores.deviceLinks.rematchAll();

    expect(summary).toEqual({ devices: FLEET, changed: FLEET, linked: FLEET });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ links: string; filled: string; audited: string }>(
        `select (select count(*) from device_asset_links l join devices d on d.key = l.device_key
                  where l.asset_id = 'asset-' || substr(d.id, 5)) as links,
                (select count(*) from assets where hostname = 'ws-' || substr(id, 7) and hostname_key = hostname) as filled,
                (select count(*) from audit_log where actor = 'discovery') as audited`,
      );
      expect(rows[0]).toEqual({ links: String(FLEET), filled: String(FLEET), audited: String(2 * FLEET) });
    } finally {
      await client.end();
    }
  }, 120_000);
});
