/**
 * Start-up: what a sysadmin waits for. From the release archive (`pnpm build`, unpacked) on the
 * registry's Node.js 22: `stocktake --help`, `stocktake devices list` against a local collector,
 * and the collector's time from being started to its first answer on /healthz, on a new, empty
 * database (created and migrated in that time). The same from the repository through tsx, the
 * way the collector ran before it was built, for comparison.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { dpkgItem, makeSnapshot } from '@stocktake/shared/testing';
import type { NodeRuntime } from '../build/native-addon.ts';
import { defaultCacheDir } from '../build/registry-file.ts';
import { releaseRuntimes } from '../build/release.ts';
import { currentReleaseArchive, unpackRelease } from '../build/release-archive.ts';
import { hasGnuTime, measureOnce, median } from './lib/measure.ts';
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

/** Wall and CPU (user + sys) milliseconds of one run. */
interface Timing {
  wallMs: number;
  cpuMs: number;
}

/** One run to its exit under GNU time (which times the process and its children); it must succeed. */
async function timeOnce(argv: string[], env: NodeJS.ProcessEnv): Promise<Timing> {
  const [command = '', ...args] = argv;
  const sample = await measureOnce(command, args, { env });
  return { wallMs: sample.wallS * 1000, cpuMs: sample.cpuS * 1000 };
}

/** One warm-up (page cache, compile cache), then `runs` timed runs. */
async function timeRuns(runs: number, once: () => Promise<Timing>): Promise<Timing[]> {
  await once();
  const samples: Timing[] = [];
  for (let i = 0; i < runs; i++) samples.push(await once());
  return samples;
}

/** CPU milliseconds (user + sys) a running process has used so far, from /proc (clock ticks of 10 ms). */
function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command name.
  return (Number(fields[11]) + Number(fields[12])) * 10;
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
): Promise<{ timing: Timing; url: string; child: ChildProcess }> {
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
  const deadline = t0 + 120_000;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${install.name} collector exited ${child.exitCode}: ${stderr}`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) {
      const wallMs = performance.now() - t0;
      return { timing: { wallMs, cpuMs: child.pid ? cpuMsOf(child.pid) : Number.NaN }, url, child };
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await stop(child);
  throw new Error(`${install.name} collector did not answer /healthz in 120 s: ${stderr}`);
}

/** `runs` starts on new, empty databases. */
async function healthzRuns(install: Install, runs: number, work: string): Promise<Timing[]> {
  let n = 0;
  return timeRuns(runs, async () => {
    const started = await serveUntilHealthy(install, join(work, `${install.name}-${n++}.db`));
    await stop(started.child);
    return started.timing;
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
  help: Timing[];
  list: Timing[];
  healthz: Timing[];
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

const wall = (t: Timing[]) => median(t.map((x) => x.wallMs));
const cpu = (t: Timing[]) => median(t.map((x) => x.cpuMs));
const ms = (value: number) => value.toFixed(0);
const range = (t: Timing[]) =>
  `${Math.min(...t.map((x) => x.wallMs)).toFixed(0)}–${Math.max(...t.map((x) => x.wallMs)).toFixed(0)}`;
/** On an idle machine wall time is CPU time plus a few ms of waiting; under load only CPU time says what it costs. */
const verdict = (t: Timing[], target: number) => {
  const byWall = wall(t) < target;
  const byCpu = cpu(t) < target;
  return byWall ? 'met' : byCpu ? 'met in CPU time, **not met** in wall time' : '**not met**';
};

export async function startupBench(options: { runs: number }): Promise<string> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  if (!hasGnuTime()) throw new Error('GNU time (/usr/bin/time, Debian package time) is required');
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
    const loadBefore = loadavg()[0] ?? 0;
    log(`startup: release archive on Node ${node22.version}, ${options.runs} runs`);
    const after = await measure(released, options.runs, work);
    // Seconds a run: three are enough to show the difference.
    const sourceRuns = Math.min(3, options.runs);
    log(`startup: repository through tsx on Node ${process.version}, ${sourceRuns} runs`);
    const before = await measure(fromSources, sourceRuns, work);

    const load = `load average ${loadBefore.toFixed(1)} before, ${(loadavg()[0] ?? 0).toFixed(1)} after (2 cores: above 2, other work shared the machine and the wall times include waiting for a core)`;
    const row = (what: string, a: Timing[], b: Timing[], target: number) => [
      what,
      ms(wall(a)),
      range(a),
      ms(cpu(a)),
      ms(wall(b)),
      ms(cpu(b)),
      `under ${target} ms: ${verdict(a, target)}`,
    ];
    const rows = [
      row('`stocktake --help`', after.help, before.help, CLI_TARGET_MS),
      row(`\`stocktake devices list\` (${DEVICES} devices, local collector)`, after.list, before.list, CLI_TARGET_MS),
      row('collector start to first `/healthz` 200, empty database', after.healthz, before.healthz, HEALTHZ_TARGET_MS),
    ];
    return [
      '## Start-up of the collector and the CLI',
      '',
      `Machine: ${machineLine()}. *Archive*: \`pnpm build\`'s release archive, unpacked, run through its \`bin/\` launchers with PATH holding only the registry's Node.js ${node22.version}; median of ${options.runs} runs after one warm-up, wall time from spawn to exit and CPU time (user + sys) under GNU time, 10 ms resolution; for \`/healthz\`, wall time to the first 200 answer (polled every 5 ms) and the collector's CPU time by then from /proc, each start on a new database, created and migrated in that time. *tsx*: the repository's launchers on Node ${process.version}, as the collector ran before it was built, median of ${sourceRuns}.`,
      '',
      `While it ran: ${load}.`,
      '',
      table(
        ['what', 'archive wall ms', 'archive wall range', 'archive CPU ms', 'tsx wall ms', 'tsx CPU ms', 'target'],
        rows,
      ),
    ].join('\n');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
