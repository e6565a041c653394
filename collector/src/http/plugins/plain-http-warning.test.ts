import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../compose/app.ts';
import { TEST_ENROLL_SECRET } from '../../test-support/test-app.ts';

/** A collector on a real socket whose log lines are collected. */
async function listeningWithLog(
  host: string,
): Promise<{ lines: { level: number; msg: string }[]; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'stocktake-listen-'));
  const lines: { level: number; msg: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const app = await buildApp({
    dbPath: join(dir, 'stocktake.db'),
    enrollSecret: TEST_ENROLL_SECRET,
    snapshotBodyLimit: 1024 * 1024,
    bodyLimit: 1024 * 1024,
    pruneIntervalMs: 0,
    logger: pino({ level: 'info' }, sink),
  });
  await app.listen({ host, port: 0 });
  return {
    lines,
    close: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('listening', () => {
  it('warns when it listens off loopback without TLS, and not on loopback', async () => {
    const exposed = await listeningWithLog('0.0.0.0');
    try {
      const warning = exposed.lines.find((l) => l.msg.includes('without TLS'));
      expect(warning, JSON.stringify(exposed.lines)).toMatchObject({ level: 40, addresses: ['0.0.0.0'] });
    } finally {
      await exposed.close();
    }
    const loopback = await listeningWithLog('127.0.0.1');
    try {
      expect(loopback.lines.some((l) => l.level >= 40)).toBe(false);
      expect(loopback.lines.length).toBeGreaterThan(0);
    } finally {
      await loopback.close();
    }
  });
});
