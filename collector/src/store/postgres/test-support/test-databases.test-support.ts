import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/**
 * Fresh databases on the run's throwaway server (global-setup.test-support.ts), each created
 * from the migrated template: a test file, or each case of the contract suite, gets its own.
 * The server and all its databases go when the run ends.
 */
export function testDatabases() {
  const server = inject('postgres');
  const base = { host: server.host, port: server.port, user: server.user };
  const urlOf = (database: string) =>
    `postgres://${encodeURIComponent(server.user)}@${server.host}:${server.port}/${database}`;
  return {
    server,
    /** A new, empty, migrated database; its connection URL. */
    async create(): Promise<string> {
      const name = `test_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ ...base, database: 'postgres' });
      await admin.connect();
      try {
        await admin.query(`create database ${name} template ${server.template}`);
      } finally {
        await admin.end();
      }
      return urlOf(name);
    },
  };
}
