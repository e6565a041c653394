import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { inflateSync } from 'node:zlib';
import { dpkgItem, makeSnapshot } from '@stocktake/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTOR_VERSION } from '../../collector/src/version.ts';
import type { NodeRuntime } from '../../scripts/build/native-addon.ts';
import { defaultCacheDir } from '../../scripts/build/registry-file.ts';
import { releaseRuntimes } from '../../scripts/build/release.ts';
import { currentReleaseArchive, unpackRelease } from '../../scripts/build/release-archive.ts';
import { tempDir } from '../support/processes.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const onLinuxX64 = process.platform === 'linux' && process.arch === 'x64';
const SECRET = 'release-e2e-secret';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Every file under `dir`, relative to it. */
const filesUnder = (dir: string) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();

describe.skipIf(!onLinuxX64)('the release archive, unpacked into an empty folder, with only Node.js on PATH', () => {
  const dir = tempDir('stocktake-release-');
  let archive: string;
  let top: string;
  let runtimes: NodeRuntime[];
  const running: ChildProcess[] = [];

  /** The environment of a machine with the archive and one Node.js: PATH holds that `node` alone. */
  const envFor = (runtime: NodeRuntime, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => {
    const bin = join(runtime.prefix, 'bin');
    return { PATH: bin, HOME: join(dir.path, 'home'), NO_PRETTY: '1', ...extra };
  };

  /** Runs one of the archive's launchers (bin/stocktake-collector, bin/stocktake) to completion. */
  const launch = (command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> =>
    new Promise((done) => {
      execFile(join(top, 'bin', command), args, { env, cwd: dir.path, timeout: 60_000 }, (error, stdout, stderr) => {
        done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      });
    });

  /** What each collector `serve` started has written, stdout and stderr together. */
  const outputs = new Map<ChildProcess, () => string>();

  /** `stocktake-collector serve` from the archive on 127.0.0.1, port 0; resolves with its URL. */
  const serve = (runtime: NodeRuntime, db: string): Promise<string> =>
    new Promise((resolveUrl, reject) => {
      const child = spawn(
        join(top, 'bin', 'stocktake-collector'),
        [
          'serve',
          '--db',
          db,
          '--host',
          '127.0.0.1',
          '--port',
          '0',
          '--enroll-secret',
          SECRET,
          '--reconcile-cron',
          'off',
          '--peer-agents',
          'secret',
        ],
        { env: envFor(runtime), cwd: dir.path, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      running.push(child);
      let output = '';
      outputs.set(child, () => output);
      const timer = setTimeout(() => reject(new Error(`the collector did not start:\n${output}`)), 30_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
        if (url) {
          clearTimeout(timer);
          resolveUrl(url);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the collector exited with ${code}:\n${output}`));
      });
    });

  const stop = (child: ChildProcess | undefined) =>
    new Promise<void>((done) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', () => done());
      child.kill('SIGTERM');
    });

  /** An agent's enrolment and one snapshot, over the real agent API. */
  async function agentReports(url: string, hostname: string): Promise<void> {
    const enrolled = await fetch(`${url}/api/v1/agent/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enrollSecret: SECRET, hostname, agentVersion: '0.1.0', platform: 'linux' }),
    });
    expect(enrolled.status).toBe(201);
    const { agentId, agentToken } = (await enrolled.json()) as { agentId: string; agentToken: string };
    const snapshot = makeSnapshot({
      agentId,
      hostname,
      serial: `SER-${hostname}`,
      software: [dpkgItem('openssl', '3.0.11-1~deb12u2'), dpkgItem('bash', '5.2.15-2+b7')],
    });
    const pushed = await fetch(`${url}/api/v1/agent/snapshots`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${agentToken}` },
      body: JSON.stringify(snapshot),
    });
    expect(pushed.status, await pushed.clone().text()).toBe(201);
  }

  /**
   * Debian's OCS agent's captured PROLOG and INVENTORY, as that agent sends them: the archive's
   * body thread reads their XML, with the parser bundled into it.
   */
  async function ocsAgentReports(url: string): Promise<void> {
    for (const name of ['ocs-2.10.0-prolog.zlib', 'ocs-2.10.0-inventory.zlib']) {
      const sent = await fetch(`${url}/ocsinventory/${SECRET}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-compress', 'user-agent': 'OCS-NG_unified_unix_agent_v2.10.0' },
        body: readFileSync(join(ROOT, 'collector', 'src', 'domain', 'peers', 'fixtures', name)),
      });
      expect(sent.status, await sent.clone().text()).toBe(200);
      expect(inflateSync(Buffer.from(await sent.arrayBuffer())).toString()).toMatch(/SEND|NO_ACCOUNT_UPDATE/);
    }
  }

  /** serve, token create, an agent's report, a backup, then the CLI against it: what a first install does. */
  async function firstInstall(runtime: NodeRuntime, name: string): Promise<{ devices: Run; reconcile: Run }> {
    const db = join(dir.path, `${name}.db`);
    const url = await serve(runtime, db);
    // Tokens are made on the collector host, against its database, as an administrator would.
    const token = await launch(
      'stocktake-collector',
      ['token', 'create', '--db', db, '--name', 'release-admin', '--role', 'admin'],
      envFor(runtime),
    );
    expect(token.code, token.stderr).toBe(0);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    // swagger-ui's page and scripts come from lib/assets/, not from a package folder.
    const docs = await fetch(`${url}/docs/static/index.html`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger-ui');
    await agentReports(url, `${name}-01`);
    await ocsAgentReports(url);
    // An online backup while the collector serves, through the archive's own addon.
    const backup = await launch(
      'stocktake-collector',
      ['backup', join(dir.path, `${name}-backup.db`), '--db', db],
      envFor(runtime),
    );
    expect(backup.code, backup.stderr).toBe(0);
    expect(statSync(join(dir.path, `${name}-backup.db`)).size).toBeGreaterThan(0);
    // The schema's migrations, read from the archive's lib/migrations: serve applied them all.
    const migrations = await launch('stocktake-collector', ['migrate', '--status', '--db', db], envFor(runtime));
    expect(migrations.code, migrations.stderr).toBe(0);
    expect(migrations.stdout.split('\n')[0]).toMatch(/: schema version \d+, up to date$/);
    const cli = envFor(runtime, { STOCKTAKE_URL: url, STOCKTAKE_TOKEN: token.stdout.trim() });
    const devices = await launch('stocktake', ['devices', 'list'], cli);
    const reconcile = await launch('stocktake', ['reconcile', '--json'], cli);
    const collector = running.pop();
    await stop(collector);
    // The checkpointing thread's bundle loads the archive's addon too: serve logs it if it cannot.
    expect(collector && outputs.get(collector)?.()).not.toMatch(/checkpointing thread|checkpoint failed/);
    return { devices, reconcile };
  }

  beforeAll(async () => {
    const log = (line: string) => process.stderr.write(`${line}\n`);
    // The real build: bundles, the addon compiled for each Node.js (minutes the first time, then cached).
    archive = await currentReleaseArchive(ROOT, log);
    runtimes = await releaseRuntimes(defaultCacheDir(), log);
    top = await unpackRelease(archive, join(dir.path, 'opt'));
  }, 900_000);

  afterAll(async () => {
    await Promise.all(running.map(stop));
    dir.remove();
  });

  it('holds two launchers, two bundles, the migrations and an addon per Node.js, and no node_modules', () => {
    const digest = createHash('sha256').update(readFileSync(archive)).digest('hex');
    expect(readFileSync(`${archive}.sha256`, 'utf8')).toMatch(
      new RegExp(`^${digest}  stocktake-[^ ]+-linux-x64\\.tar\\.gz\\n$`),
    );
    const files = filesUnder(top);
    for (const launcher of ['bin/stocktake-collector', 'bin/stocktake']) {
      expect(files).toContain(launcher);
      expect(statSync(join(top, launcher)).mode & 0o111).toBe(0o111);
    }
    expect(files).toEqual(
      expect.arrayContaining([
        'lib/stocktake-collector.mjs',
        'lib/stocktake.mjs',
        'lib/import-reader-worker.mjs',
        'lib/large-body-worker.mjs',
        'lib/checkpoint-worker.mjs',
        'lib/migrations/meta/_journal.json',
        'lib/migrations/0000_init.sql',
        'THIRD-PARTY-NOTICES.txt',
        ...runtimes.map((r) => `lib/native/node-v${r.abi}/better_sqlite3.node`),
      ]),
    );
    const migrations = readdirSync(join(ROOT, 'collector/src/store/sqlite/migrations')).filter((f) =>
      f.endsWith('.sql'),
    );
    expect(readdirSync(join(top, 'lib', 'migrations')).filter((f) => f.endsWith('.sql'))).toEqual(migrations);
    expect(files.filter((f) => f.includes('node_modules') || f.endsWith('.ts'))).toEqual([]);
  });

  it('prints its version through both launchers', async () => {
    const [main] = runtimes;
    if (!main) throw new Error('no runtime');
    const [collector, cli] = await Promise.all([
      launch('stocktake-collector', ['version'], envFor(main)),
      launch('stocktake', ['--version'], envFor(main)),
    ]);
    expect([collector.code, collector.stderr]).toEqual([0, '']);
    expect(collector.stdout).toBe(`${COLLECTOR_VERSION}\n`);
    expect(cli.stdout).toBe(`${COLLECTOR_VERSION}\n`);
  });

  it('on Node.js 22: serve, token create, an agent report, then `stocktake devices list` and `stocktake reconcile`', async () => {
    const [main] = runtimes;
    if (!main) throw new Error('no runtime');
    expect(main.version).toMatch(/^22\./);
    const { devices, reconcile } = await firstInstall(main, 'node22');
    expect(devices.code, devices.stderr).toBe(0);
    expect(devices.stdout).toContain('node22-01');
    // The finding rules are in the bundle: reconciliation ran them.
    expect(reconcile.code, reconcile.stderr).toBe(0);
    const run = JSON.parse(reconcile.stdout) as { status: string; counts: { totals: { open: number } } };
    expect(run.status).toBe('succeeded');
    // A device in no register: the unregistered-device rule raised it.
    expect(run.counts.totals.open).toBeGreaterThan(0);
  });

  it('on every other Node.js it is built for (24): the same first install', async () => {
    for (const runtime of runtimes.slice(1)) {
      const { devices, reconcile } = await firstInstall(runtime, `node${runtime.version.split('.')[0]}`);
      expect(devices.code, devices.stderr).toBe(0);
      expect(devices.stdout).toContain(`node${runtime.version.split('.')[0]}-01`);
      expect(reconcile.code, reconcile.stderr).toBe(0);
    }
  });

  it('on a Node.js it has no addon for, says which ones it runs on, without the bundle source', async (ctx) => {
    // Only this process's Node can play the part: where it is one the archive supports, nothing to show.
    if (runtimes.some((r) => r.abi === process.versions.modules)) ctx.skip();
    const result = await launch('stocktake-collector', ['token', 'list', '--db', ':memory:'], {
      PATH: resolve(process.execPath, '..'),
      HOME: join(dir.path, 'home'),
    });
    expect(result.code).toBe(70);
    expect(result.stderr).toContain(`runs on Node.js 22 or 24, not ${process.version}`);
    // The launcher prints the stack alone; Node would print the minified line around it too.
    expect(result.stderr.split('\n').every((line) => line.length < 400)).toBe(true);
  });
});
