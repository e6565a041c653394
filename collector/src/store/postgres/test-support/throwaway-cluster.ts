import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where Debian's `postgresql-NN` packages put the server's binaries, one folder per major version. */
const DEBIAN_BINARIES = '/usr/lib/postgresql';

/** A PostgreSQL server of our own, in a temporary folder, for one test run. */
export interface ThrowawayCluster {
  host: string;
  port: number;
  /** The cluster's superuser, who needs no password (trust) on its own loopback address. */
  user: string;
  /** The server's major version, as its binaries report it. */
  version: string;
  /** The cluster's data folder (its postmaster.pid names the server's process). */
  dataDirectory: string;
  /** Stops the server and deletes its folder. */
  stop(): Promise<void>;
}

/**
 * The folder holding initdb, pg_ctl and postgres: STOCKTAKE_PG_BIN if set, else the newest
 * Debian package's. `.ci/run` installs Debian's `postgresql` when it is missing.
 */
export function postgresBinaries(): string {
  const fromEnv = process.env.STOCKTAKE_PG_BIN;
  if (fromEnv) return fromEnv;
  const versions = existsSync(DEBIAN_BINARIES)
    ? readdirSync(DEBIAN_BINARIES)
        .filter((v) => /^\d+$/.test(v) && existsSync(join(DEBIAN_BINARIES, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (!newest) {
    throw new Error(
      `no PostgreSQL server binaries in ${DEBIAN_BINARIES}/<version>/bin: install Debian's postgresql package, or set STOCKTAKE_PG_BIN to the folder holding initdb and pg_ctl`,
    );
  }
  return join(DEBIAN_BINARIES, newest, 'bin');
}

/** A TCP port free on the loopback address now (the server binds it a moment later). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * The server refuses to run as root (it would own every file it can reach), so a root test run
 * runs the binaries as the `postgres` account Debian's package creates, through runuser.
 */
function asServerUser(bin: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [bin, args];
  return ['runuser', ['-u', 'postgres', '--', bin, ...args]];
}

async function runAsServerUser(bin: string, args: string[]): Promise<void> {
  const [command, commandArgs] = asServerUser(bin, args);
  try {
    await run(command, commandArgs, { env: { ...process.env, LC_ALL: 'C' } });
  } catch (err) {
    const { stderr, stdout } = err as { stderr?: string; stdout?: string };
    throw new Error(`${bin} ${args[0] ?? ''} failed: ${(stderr || stdout || String(err)).trim()}`, { cause: err });
  }
}

/** Settings for a server that holds nothing worth keeping: no waiting on the disk, small and quiet. */
const THROWAWAY_SETTINGS = [
  'fsync=off',
  'synchronous_commit=off',
  'full_page_writes=off',
  'max_connections=200',
  'shared_buffers=32MB',
  'log_min_messages=warning',
];

/**
 * Starts a throwaway cluster: initdb into a temporary folder (trust authentication, UTF-8, the
 * C locale), then the server on 127.0.0.1 at a free port, its socket in the same folder. Tests
 * connect over TCP, as a collector does. A port taken between choosing and binding is tried again.
 * `settings` (`name=value`) are added to the throwaway ones: a benchmark loads pg_stat_statements.
 */
export async function startThrowawayCluster(options: { settings?: string[] } = {}): Promise<ThrowawayCluster> {
  const bin = postgresBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'stocktake-pg-'));
  if (process.getuid?.() === 0) chownSync(dir, ...postgresAccount());
  const data = join(dir, 'data');
  const user = 'stocktake';
  const { stdout } = await run(join(bin, 'postgres'), ['--version']);
  const version = stdout.trim().replace(/^postgres \(PostgreSQL\) /, '');
  try {
    await runAsServerUser(join(bin, 'initdb'), [
      '--pgdata',
      data,
      '--username',
      user,
      '--auth',
      'trust',
      '--encoding',
      'UTF8',
      '--locale',
      'C',
      '--no-sync',
    ]);
    const port = await startServer(bin, data, dir, options.settings ?? []);
    return {
      host: '127.0.0.1',
      port,
      user,
      version,
      dataDirectory: data,
      stop: async () => {
        await runAsServerUser(join(bin, 'pg_ctl'), ['stop', '--pgdata', data, '--mode', 'immediate', '--wait']).catch(
          () => undefined,
        );
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

async function startServer(bin: string, data: string, socketDir: string, settings: string[]): Promise<number> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const options = [
      `-c listen_addresses=127.0.0.1`,
      `-c port=${port}`,
      `-c unix_socket_directories=${socketDir}`,
      ...[...THROWAWAY_SETTINGS, ...settings].map((s) => `-c ${s}`),
    ].join(' ');
    try {
      await runAsServerUser(join(bin, 'pg_ctl'), [
        'start',
        '--pgdata',
        data,
        '--wait',
        '--log',
        join(socketDir, 'server.log'),
        '--options',
        options,
      ]);
      return port;
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

/** The uid and gid of Debian's `postgres` account, which its package creates. */
function postgresAccount(): [number, number] {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    return [id('-u'), id('-g')];
  } catch (err) {
    throw new Error('running as root, and there is no postgres account to run the server as', { cause: err });
  }
}
