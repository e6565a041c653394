import type pg from 'pg';

/**
 * The statements every snapshot runs, as named statements on the batch's connection: the SQL
 * text is written once here (no query building per ingest), and the server parses and plans
 * each once per connection, which node-postgres remembers by name.
 */
const STATEMENTS = {
  storedSnapshot: `SELECT d.id AS "deviceId", s.agent_id AS "agentId"
      FROM snapshots s JOIN devices d ON d.key = s.device_key WHERE s.id = $1`,
  // A snapshot's sections, looked up together: one round trip where one per section was five.
  findSections: `SELECT s.section, s.hash, s.id FROM snapshot_sections s
      JOIN unnest($1::text[], $2::text[]) AS w(section, hash) ON s.section = w.section AND s.hash = w.hash`,
  // Each of the device's rows looks up its catalogue row by key (the OFFSET keeps the lateral
  // subquery from being flattened into a join): as a plain join, the plan PostgreSQL chose for
  // this prepared statement read the whole catalogue into a hash table for every ingest
  // (132,000 rows at 700 devices; about 15 times slower than a thousand key lookups).
  currentSoftware: `SELECT ds.software_id, c.source, c.name, c.arch, c.version, ds.install_date, ds.install_location
      FROM device_software ds
      CROSS JOIN LATERAL (SELECT source, name, arch, version FROM software_catalog
        WHERE id = ds.software_id OFFSET 0) c
      WHERE ds.device_key = $1`,
  // Rows come in the caller's (key) order, committed at once (device-rows.ts), so two instances
  // adding the same new packages wait on each other rather than deadlock.
  insertCatalog: `INSERT INTO software_catalog (source, name, version, arch, publisher)
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
      ON CONFLICT (source, name, version, arch) DO NOTHING`,
  catalogIds: `SELECT c.id, c.source, c.name, c.version, c.arch FROM software_catalog c
      JOIN unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS w(source, name, version, arch)
        ON c.source = w.source AND c.name = w.name AND c.version = w.version AND c.arch = w.arch`,
  insertSoftware: `INSERT INTO device_software (device_key, software_id, install_date, install_location)
      SELECT $1, * FROM unnest($2::integer[], $3::text[], $4::text[])`,
} as const;

export type StatementName = keyof typeof STATEMENTS;

/** Runs one of the hot statements on the connection of the transaction it belongs to (or on the pool, committed at once). */
export async function runStatement<R extends pg.QueryResultRow>(
  client: pg.PoolClient | pg.Pool,
  name: StatementName,
  values: unknown[],
): Promise<R[]> {
  const result = await client.query<R>({ name: `stocktake_${name}`, text: STATEMENTS[name], values });
  return result.rows;
}
