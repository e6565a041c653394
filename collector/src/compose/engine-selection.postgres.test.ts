import { describe, expect, it } from 'vitest';
import { type Host, type Io, main } from '../command-line.ts';
import { missingPorts } from '../domain/ports.ts';
import { openPostgresStores } from '../store/postgres/stores.ts';
import { testDatabases } from '../store/postgres/test-support/test-databases.test-support.ts';

const databases = testDatabases();

async function collector(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const io: Io & { stdout: string; stderr: string } = {
    stdout: '',
    stderr: '',
    out: (t) => {
      io.stdout += t;
    },
    err: (t) => {
      io.stderr += t;
    },
  };
  const host: Host = { env, uid: 1000, configPath: '/nonexistent/collector.json' };
  const code = await main(argv, io, host);
  return { code, ...io };
}

/** The ports the engine lacks today, as it reports them when opened. */
async function lacking(url: string): Promise<string[]> {
  const ports = await openPostgresStores({ url, poolSize: 1 });
  try {
    return missingPorts(ports);
  } finally {
    await ports.close();
  }
}

describe('--db postgres://', () => {
  it('opens PostgreSQL, and refuses to run on it in one line naming the ports it still lacks (or runs)', async () => {
    const url = await databases.create();
    const missing = await lacking(url);
    const run = await collector(['token', 'list', '--db', url]);
    if (missing.length === 0) {
      // The engine is whole: the command runs on it.
      expect(run).toMatchObject({ code: 0, stderr: '' });
      return;
    }
    expect(run.code).toBe(78);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(`does not have these ports yet: ${missing.join(', ')}`);
    expect(run.stderr).not.toContain('password');
  });

  it('takes the database from STOCKTAKE_DB as from --db', async () => {
    const url = await databases.create();
    const missing = await lacking(url);
    const run = await collector(['token', 'list'], { STOCKTAKE_DB: url });
    expect(run.code).toBe(missing.length === 0 ? 0 : 78);
    // Refused as PostgreSQL, not taken for a SQLite file named like the URL.
    expect(run.stderr).not.toContain('no database at');
  });

  it('says in one line, exit 75, that a server out of reach cannot be reached', async () => {
    const { server } = databases;
    // A port on this machine nothing listens on: the connection is refused at once.
    const url = `postgres://${server.user}@127.0.0.1:1/stocktake`;
    const run = await collector(['token', 'list', '--db', url]);
    expect(run.code).toBe(75);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/cannot reach the database postgres:\/\/.*@127\.0\.0\.1:1\/stocktake: .*ECONNREFUSED/);
  });

  it('refuses, exit 78, TLS the server does not offer, saying what to change', async () => {
    const url = await databases.create();
    const run = await collector(['token', 'list', '--db', url, '--db-ssl-mode', 'require']);
    expect(run.code).toBe(78);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('does not offer TLS');
  });

  it('refuses a login the server turns down, exit 78, without the password', async () => {
    const { server } = databases;
    const url = `postgres://nobody:hunter2hunter2@${server.host}:${server.port}/postgres`;
    const run = await collector(['token', 'list', '--db', url]);
    expect(run.code).toBe(78);
    expect(run.stderr).toContain('refused the login');
    expect(run.stderr).not.toContain('hunter2');
  });
});
