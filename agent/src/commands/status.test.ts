import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, uptime } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireStateLock, StateLockedError } from '../live/state-lock.ts';
import { writeStatusFile } from '../live/status-file.ts';
import { statusCommand } from './status.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stocktake-status-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function status(...args: string[]) {
  let out = '';
  let err = '';
  const code = await statusCommand(
    ['--state-dir', dir, ...args],
    { STOCKTAKE_SERVER: 'https://collector.example' },
    (t) => {
      out += t;
    },
    (l) => {
      err += l;
    },
  );
  return { code, out, err };
}

const running = {
  pid: process.pid,
  state: 'running' as const,
  startedAt: '2026-11-22T10:00:00.000Z',
  updatedAt: '2026-11-22T10:05:00.000Z',
  server: 'https://collector.example/',
  schedule: '0 * * * *',
  splaySeconds: 300,
  enrolled: true,
  agentId: 'agent-1',
  deviceId: 'device-1',
  liveChannel: 'connected' as const,
  nextRunAt: '2026-11-22T11:00:00.000Z',
  lastSuccessAt: '2026-11-22T10:00:02.000Z',
  lastSnapshotId: 'snap-1',
  spool: { depth: 0, bytes: 0 },
};

describe('stocktake-agent status', () => {
  it('says not running (exit 3) and still reads the outbox and credentials on disk', async () => {
    mkdirSync(join(dir, 'spool'));
    writeFileSync(join(dir, 'spool', '000000000001.json.gz'), Buffer.alloc(1500));
    writeFileSync(join(dir, 'spool', '000000000002.json.gz'), Buffer.alloc(500));
    writeFileSync(
      join(dir, 'credentials.json'),
      JSON.stringify({
        serverUrl: 'https://collector.example/',
        agentId: 'agent-1',
        agentToken: 't',
        enrolledAt: '2026-11-22T09:00:00.000Z',
      }),
    );
    const { code, out } = await status();
    expect(code).toBe(3);
    expect(out).toMatch(/^agent:\s+not running$/m);
    expect(out).toMatch(/^enrolled:\s+yes, agent agent-1$/m);
    expect(out).toMatch(/^outbox:\s+2 waiting \(2\.0 KiB\)$/m);
    expect(out).toMatch(/^last push:\s+never$/m);
  });

  it('reports what the running agent wrote, as JSON on request', async () => {
    const release = acquireStateLock(dir);
    try {
      writeStatusFile(dir, running);
      const { code, out } = await status('--json');
      expect(code).toBe(0);
      expect(JSON.parse(out)).toMatchObject({
        running: true,
        pid: process.pid,
        enrolled: false,
        server: 'https://collector.example/',
        lastSuccessAt: running.lastSuccessAt,
        nextRunAt: running.nextRunAt,
        liveChannel: 'connected',
        spool: { depth: 0, bytes: 0 },
      });
      const text = await status();
      expect(text.out).toMatch(/^next inventory:\s+2026-11-22T11:00:00\.000Z \(cron "0 \* \* \* \*"\)$/m);
      expect(text.out).toMatch(/^live channel:\s+connected$/m);
    } finally {
      release();
    }
  });

  it('names a bad config key and exits 78', async () => {
    const config = join(dir, 'agent.json');
    writeFileSync(config, JSON.stringify({ server: 'https://x.example', schedul: {} }));
    const { code, err } = await status('--config', config);
    expect(code).toBe(78);
    expect(err).toContain('schedul: unknown key');
  });
});

describe('state lock', () => {
  const boot = () => Date.now() - uptime() * 1000;
  const lock = (pid: number, bootedAt: number) =>
    writeFileSync(join(dir, 'agent.lock'), JSON.stringify({ pid, bootedAt }));

  it('refuses a state directory a live agent holds', () => {
    lock(process.ppid, boot());
    expect(() => acquireStateLock(dir)).toThrow(StateLockedError);
  });

  it('takes over the lock of a process that is gone, or of one from before a reboot', () => {
    lock(2 ** 22 + 7, boot());
    acquireStateLock(dir)();
    lock(process.ppid, boot() - 3_600_000);
    const release = acquireStateLock(dir);
    expect(JSON.parse(readFileSync(join(dir, 'agent.lock'), 'utf8')).pid).toBe(process.pid);
    release();
  });
});
