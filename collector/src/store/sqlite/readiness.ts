import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import type { ReadinessCheck, ReadinessOptions } from '../../domain/ports.ts';
import { formatBytes, freeBytes } from './disk-space.ts';
import { MIGRATIONS, probeWrite } from './open-database.ts';
import { describeSchema, knownMigrations, schemaVersions } from './schema-version.ts';

const failure = (err: unknown) => (err instanceof Error ? err.message.split('\n')[0] : String(err)) ?? 'failed';

/**
 * The readiness checks over one SQLite file (`file` undefined: an in-memory database, with no
 * file system to fill). Each check catches its own failure, so one failing says which.
 */
export function createReadiness(sqlite: Database.Database, file: string | undefined) {
  const known = knownMigrations(MIGRATIONS);

  const writable = (): ReadinessCheck => {
    try {
      probeWrite(sqlite);
      return { name: 'writable', ok: true, detail: 'took a write' };
    } catch (err) {
      return { name: 'writable', ok: false, detail: `a write failed: ${failure(err)}` };
    }
  };

  const schema = (): ReadinessCheck => {
    try {
      const versions = schemaVersions(sqlite, known);
      const ok = !versions.newer && versions.found === versions.expected;
      return { name: 'schema', ok, detail: describeSchema(versions) };
    } catch (err) {
      return { name: 'schema', ok: false, detail: `cannot read the schema version: ${failure(err)}` };
    }
  };

  const diskSpace = (minFreeBytes: number): ReadinessCheck => {
    if (!file) return { name: 'disk-space', ok: true, detail: 'in memory: no file system to fill' };
    try {
      const free = freeBytes(dirname(file));
      const detail = `${formatBytes(free)} free, minimum ${formatBytes(minFreeBytes)}`;
      return { name: 'disk-space', ok: free >= minFreeBytes, detail };
    } catch (err) {
      return { name: 'disk-space', ok: false, detail: `cannot measure free space: ${failure(err)}` };
    }
  };

  return async ({ minFreeBytes }: ReadinessOptions): Promise<ReadinessCheck[]> => [
    writable(),
    schema(),
    diskSpace(minFreeBytes),
  ];
}
