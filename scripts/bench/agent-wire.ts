/**
 * Agent on the wire and at rest: bytes of each HTTP request and answer between a real agent
 * and a real collector (a relay on loopback reads every byte: request line, headers and body),
 * for a first full snapshot, an unchanged machine's delta and a small change; then the
 * long-running agent's idle cost (RSS, CPU per hour) while it holds its live channel.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, inventory, once } from '@stocktake/agent';
import { buildApp } from '@stocktake/collector';
import type { Snapshot } from '@stocktake/shared';
import { dpkgItem, makeSnapshot } from '@stocktake/shared/testing';
import { HttpMessages } from '../../test/support/agent-service.ts';
import { buildAgentBundle } from './lib/build-agent-bundle.ts';
import { machineLine, table } from './lib/report.ts';

interface Exchange {
  method: string;
  path: string;
  requestBytes: number;
  requestBody: number;
  responseBytes: number;
  status: number;
}

/** A loopback relay that records every request/answer pair passing through it. */
async function startRelay(target: number): Promise<{ url: string; exchanges: Exchange[]; close(): Promise<void> }> {
  const exchanges: Exchange[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    sockets.add(client).add(upstream);
    const pending: Omit<Exchange, 'responseBytes' | 'status'>[] = [];
    const up = new HttpMessages((head, total, body) => {
      const [method = '', path = ''] = head.split(' ');
      pending.push({ method, path, requestBytes: total, requestBody: body.length });
    });
    const down = new HttpMessages((head, total) => {
      const request = pending.shift();
      if (request) exchanges.push({ ...request, responseBytes: total, status: Number(head.split(' ')[1]) });
    });
    client.on('data', (chunk: Buffer) => {
      up.push(chunk);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      down.push(chunk);
      client.write(chunk);
    });
    for (const s of [client, upstream]) {
      s.on('error', () => s.destroy());
      s.on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

interface WireRow {
  case: string;
  packages: number;
  sentAs: string;
  exchange: Exchange;
}

async function pushAndMeasure(
  label: string,
  relay: { url: string; exchanges: Exchange[] },
  stateDir: string,
  secret: string,
  collect?: () => Promise<Snapshot>,
): Promise<WireRow> {
  let packages = 0;
  const result = await once({
    serverUrl: relay.url,
    enrollSecret: secret,
    stateDir,
    log: createLogger('silent'),
    collect: async () => {
      const s = collect ? await collect() : await inventory({ log: createLogger('silent'), stateDir });
      packages = s.sections.software.data?.length ?? 0;
      return s;
    },
  });
  const exchange = relay.exchanges.filter((e) => /\/api\/v1\/agent\/(snapshots|deltas)$/.test(e.path)).at(-1);
  if (!exchange) throw new Error(`${label}: no push seen on the wire`);
  return { case: label, packages, sentAs: result.delta ? 'delta' : 'full', exchange };
}

/** RSS and CPU of an idle `stocktake-agent run`, from /proc, over `seconds`. */
async function idleCost(
  bundle: string,
  server: string,
  secret: string,
  seconds: number,
): Promise<{ rssMiB: number; cpuSecondsPerHour: number; wakeupsNote: string } | undefined> {
  if (process.platform !== 'linux') return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'stocktake-idle-'));
  const config = join(dir, 'agent.json');
  writeFileSync(
    config,
    JSON.stringify({ server, enrollSecret: secret, stateDir: join(dir, 'state'), schedule: { splaySeconds: 0 } }),
  );
  const child: ChildProcess = spawn(process.execPath, [bundle, 'run', '--config', config], {
    env: { ...process.env, STOCKTAKE_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (c: Buffer) => {
    log += c.toString();
  });
  try {
    const deadline = Date.now() + 120_000;
    while (!log.includes('live channel connected') || !log.includes('snapshot delivered')) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`agent did not settle:\n${log}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    // Let start-up garbage be collected and timers settle before measuring.
    await new Promise((r) => setTimeout(r, 5000));
    const ticks = () => {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      return Number(fields[11]) + Number(fields[12]);
    };
    const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
    const start = ticks();
    const samples: number[] = [];
    for (let i = 0; i < seconds / 5; i++) {
      await new Promise((r) => setTimeout(r, 5000));
      samples.push(rss());
    }
    const cpuSeconds = (ticks() - start) / 100; // USER_HZ is 100 on Linux
    samples.sort((a, b) => a - b);
    return {
      rssMiB: (samples[Math.floor(samples.length / 2)] ?? 0) / 1024,
      cpuSecondsPerHour: (cpuSeconds * 3600) / seconds,
      wakeupsNote: `${seconds} s sampled`,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function agentWire(options: { idleSeconds?: number } = {}): Promise<string> {
  const secret = 'bench-wire-secret';
  const work = mkdtempSync(join(tmpdir(), 'stocktake-wire-'));
  const app = await buildApp({
    dbPath: join(work, 'collector.db'),
    enrollSecret: secret,
    snapshotBodyLimit: 64 * 1024 * 1024,
    bodyLimit: 1024 * 1024,
    pruneIntervalMs: 0,
    logger: false,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const relay = await startRelay(port);
  const rows: WireRow[] = [];
  try {
    const here = join(work, 'state-here');
    rows.push(await pushAndMeasure('this machine, first run', relay, here, secret));
    rows.push(await pushAndMeasure('this machine, next run, unchanged', relay, here, secret));

    const synthetic = join(work, 'state-synthetic');
    const base = Array.from({ length: 2000 }, (_, i) => dpkgItem(`package-${i}`, `1.${i}-1`));
    const snapshot = (items: typeof base) => async () =>
      makeSnapshot({ serial: 'BENCH0001', uuid: '4c4c4544-0000-0000-0000-000000000001', software: items });
    rows.push(await pushAndMeasure('2,000 packages, first run', relay, synthetic, secret, snapshot(base)));
    rows.push(await pushAndMeasure('2,000 packages, unchanged', relay, synthetic, secret, snapshot(base)));
    const changed = base.filter((p) => p.name !== 'package-3');
    changed[10] = dpkgItem('package-11', '2.0-1');
    changed.push(dpkgItem('htop', '3.2.2-2'));
    rows.push(
      await pushAndMeasure(
        '2,000 packages, 1 installed, 1 upgraded, 1 removed',
        relay,
        synthetic,
        secret,
        snapshot(changed),
      ),
    );
  } finally {
    await relay.close();
  }
  const idleSeconds = options.idleSeconds ?? Number(process.env.STOCKTAKE_BENCH_IDLE_SECONDS ?? 120);
  const idle =
    idleSeconds > 0
      ? await idleCost(await buildAgentBundle(), `http://127.0.0.1:${port}`, secret, idleSeconds)
      : undefined;
  await app.close();
  rmSync(work, { recursive: true, force: true });

  const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  const lines = [
    '## Agent on the wire and at rest',
    '',
    `Machine: ${machineLine()}. One real collector and the real agent (\`once\`, which goes through the same outbox and delta path as \`run\`) on loopback; a relay between them counts every byte of each HTTP/1.1 exchange: request line, headers and body one way, status line, headers and body the other. Bodies are JSON, not compressed.`,
    '',
    table(
      ['case', 'packages', 'sent as', 'request (bytes)', 'of which body', 'answer (bytes)'],
      rows.map((r) => [
        r.case,
        r.packages,
        r.sentAs,
        `${r.exchange.requestBytes} (${kb(r.exchange.requestBytes)})`,
        r.exchange.requestBody,
        r.exchange.responseBytes,
      ]),
    ),
    '',
    'An unchanged machine costs one request: five section hashes, its identity and the base snapshot id. A full snapshot goes out on the first run, after a `resync`, and once a day (`schedule.fullEverySeconds`).',
  ];
  if (idle) {
    lines.push(
      '',
      `Idle \`stocktake-agent run\` (the bundle that goes into the single executable, default schedule: hourly inventory, live channel with a heartbeat every 60 s), after its start-up inventory was delivered, ${idle.wakeupsNote} from /proc: **${idle.rssMiB.toFixed(1)} MiB RSS** (median), **${idle.cpuSecondsPerHour.toFixed(2)} CPU seconds per hour** (user + sys, extrapolated). No timer runs more often than once a minute.`,
    );
  }
  return lines.join('\n');
}
