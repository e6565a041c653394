/**
 * Start-up: what a sysadmin waits for. From the release archive (`pnpm build`, unpacked) on the
 * registry's Node.js 22: `stocktake --help`, `stocktake devices list` against a local collector,
 * and the collector's time from being started to its first answer on /healthz, on a new, empty
 * database (created and migrated in that time). The same from the repository through tsx, the
 * way the collector ran before it was built, for comparison.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { dpkgItem, makeSnapshot } from '@stocktake/shared/testing';
import type { NodeRuntime } from '../build/native-addon.ts';
import { defaultCacheDir } from '../build/registry-file.ts';
import { releaseRuntimes } from '../build/release.ts';
import { currentReleaseArchive, unpackRelease } from '../build/release-archive.ts';
import { median } from './lib/measure.ts';
import { machineLine, ROOT, table } from './lib/report.ts';

const CLI_TARGET_MS = 150;
const HEALTHZ_TARGET_MS = 1000;
const SECRET = 'startup-bench-secret';
const DEVICES = 50;

/** A way to run the collector and the CLI: the archive's launchers, or the repository's tsx ones. */
interface Install {
  name: string;
  collector: string[];
  cli: string[];
  env: NodeJS.ProcessEnv;
}

/** Wall milliseconds from spawn to exit; the command must succeed. */
function timeOnce(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const [command = '', ...args] = argv;
    const t0 = performance.now();
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      if (code === 0) resolve(ms);
      else reject(new Error(`${argv.join(' ')} exited ${code}: ${stderr.trim()}`));
    });
  });
}

/** One warm-up (page cache), then `runs` timed runs. */
async function timeRuns(runs: number, once: () => Promise<number>): Promise<number[]> {
  await once();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await once());
  return samples;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

/** Starts `serve` on a free port; resolves once /healthz answers 200, with the milliseconds that took. */
async function serveUntilHealthy(
  install: Install,
  db: string,
): Promise<{ ms: number; url: string; child: ChildProcess }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const [command = '', ...args] = install.collector;
  const t0 = performance.now();
  const child = spawn(
    command,
    [...args, 'serve', '--db', db, '--port', String(port), '--enroll-secret', SECRET, '--reconcile-cron', 'off'],
    { env: { ...install.env, STOCKTAKE_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const deadline = t0 + 30_000;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${install.name} collector exited ${child.exitCode}: ${stderr}`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return { ms: performance.now() - t0, url, child };
    await new Promise((r) => setTimeout(r, 5));
  }
  await stop(child);
  throw new Error(`${install.name} collector did not answer /healthz in 30 s: ${stderr}`);
}

/** `runs` starts on new, empty databases. */
async function healthzRuns(install: Install, runs: number, work: string): Promise<number[]> {
  let n = 0;
  return timeRuns(runs, async () => {
    const started = await serveUntilHealthy(install, join(work, `${install.name}-${n++}.db`));
    await stop(started.child);
    return started.ms;
  });
}

/** An admin token made with the collector's own command, against `db`. */
async function tokenFor(install: Install, db: string): Promise<string> {
  const [command = '', ...args] = install.collector;
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args, 'token', 'create', '--db', db, '--name', 'bench', '--role', 'admin'], {
      env: install.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`token create exited ${code}`))));
  });
}

/** DEVICES devices, enrolled and reported as agents would, so the list has a page to print. */
async function fillFleet(url: string): Promise<void> {
  for (let i = 0; i < DEVICES; i++) {
    const hostname = `bench-${String(i).padStart(3, '0')}`;
    const enrolled = await fetch(`${url}/api/v1/agent/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enrollSecret: SECRET, hostname, agentVersion: '0.1.0', platform: 'linux' }),
    });
    const { agentId, agentToken } = (await enrolled.json()) as { agentId: string; agentToken: string };
    const snapshot = makeSnapshot({ agentId, hostname, serial: `SER-${i}`, software: [dpkgItem('bash', '5.2.15')] });
    const pushed = await fetch(`${url}/api/v1/agent/snapshots`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${agentToken}` },
      body: JSON.stringify(snapshot),
    });
    if (pushed.status !== 201) throw new Error(`snapshot refused: ${pushed.status} ${await pushed.text()}`);
  }
}

interface Figures {
  help: number[];
  list: number[];
  healthz: number[];
}

async function measure(install: Install, runs: number, work: string): Promise<Figures> {
  process.stderr.write(`  ${install.name}: stocktake --help\n`);
  const help = await timeRuns(runs, () => timeOnce([...install.cli, '--help'], install.env));
  process.stderr.write(`  ${install.name}: time to /healthz on an empty database\n`);
  const healthz = await healthzRuns(install, runs, work);
  process.stderr.write(`  ${install.name}: stocktake devices list (${DEVICES} devices)\n`);
  const db = join(work, `${install.name}-fleet.db`);
  const collector = await serveUntilHealthy(install, db);
  try {
    const token = await tokenFor(install, db);
    await fillFleet(collector.url);
    const env = { ...install.env, STOCKTAKE_URL: collector.url, STOCKTAKE_TOKEN: token };
    const list = await timeRuns(runs, () => timeOnce([...install.cli, 'devices', 'list'], env));
    return { help, list, healthz };
  } finally {
    await stop(collector.child);
  }
}

const ms = (values: number[]) => `${median(values).toFixed(0)}`;
const range = (values: number[]) => `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}`;
const verdict = (values: number[], target: number) => (median(values) < target ? 'met' : '**not met**');

export async function startupBench(options: { runs: number }): Promise<string> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const archive = await currentReleaseArchive(ROOT, log);
  const [node22] = await releaseRuntimes(defaultCacheDir(), log);
  if (!node22) throw new Error('no Node.js runtime for the release');
  const work = mkdtempSync(join(tmpdir(), 'stocktake-startup-'));
  try {
    const top = await unpackRelease(archive, join(work, 'opt'));
    const onlyNode = (runtime: NodeRuntime): NodeJS.ProcessEnv => ({
      PATH: join(runtime.prefix, 'bin'),
      HOME: join(work, 'home'),
      NO_PRETTY: '1',
    });
    const released: Install = {
      name: 'archive',
      collector: [join(top, 'bin', 'stocktake-collector')],
      cli: [join(top, 'bin', 'stocktake')],
      env: onlyNode(node22),
    };
    const fromSources: Install = {
      name: 'tsx',
      collector: [process.execPath, join(ROOT, 'collector', 'bin', 'stocktake-collector.mjs')],
      cli: [process.execPath, join(ROOT, 'collector', 'cli', 'bin', 'stocktake.mjs')],
      env: { PATH: process.env.PATH ?? '', HOME: join(work, 'home'), NO_PRETTY: '1' },
    };
    log(`startup: release archive on Node ${node22.version}, ${options.runs} runs`);
    const after = await measure(released, options.runs, work);
    // Seconds a run: three are enough to show the difference.
    const sourceRuns = Math.min(3, options.runs);
    log(`startup: repository through tsx on Node ${process.version}, ${sourceRuns} runs`);
    const before = await measure(fromSources, sourceRuns, work);

    const rows = [
      [
        '`stocktake --help`',
        ms(after.help),
        range(after.help),
        ms(before.help),
        `under ${CLI_TARGET_MS} ms: ${verdict(after.help, CLI_TARGET_MS)}`,
      ],
      [
        `\`stocktake devices list\` (${DEVICES} devices, local collector)`,
        ms(after.list),
        range(after.list),
        ms(before.list),
        `under ${CLI_TARGET_MS} ms: ${verdict(after.list, CLI_TARGET_MS)}`,
      ],
      [
        'collector start to first `/healthz` 200, empty database',
        ms(after.healthz),
        range(after.healthz),
        ms(before.healthz),
        `under ${HEALTHZ_TARGET_MS} ms: ${verdict(after.healthz, HEALTHZ_TARGET_MS)}`,
      ],
    ];
    return [
      '## Start-up of the collector and the CLI',
      '',
      `Machine: ${machineLine()}. *Archive*: \`pnpm build\`'s release archive, unpacked, run through its \`bin/\` launchers with PATH holding only the registry's Node.js ${node22.version}; median of ${options.runs} runs after one warm-up, wall time from spawn to exit (to the first 200 answer for \`/healthz\`, polled every 5 ms; each start on a new database, created and migrated in that time). *tsx*: the repository's launchers on Node ${process.version}, as the collector ran before it was built, median of ${sourceRuns}.`,
      '',
      table(['what', 'archive ms (median)', 'archive ms (range)', 'tsx ms (median)', 'target'], rows),
    ].join('\n');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
