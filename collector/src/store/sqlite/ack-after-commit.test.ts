import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dpkgItem, makeSnapshot } from '@stocktake/shared/testing';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Answer, LiveClient } from '../../http/routes/api/v1/agent/live-client.test-support.ts';

const BIN = resolve(import.meta.dirname, '..', '..', '..', 'bin', 'stocktake-collector.mjs');
const SECRET = 'live-commit-secret';

let dir: string;
let collector: ChildProcess;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stocktake-live-commit-'));
  collector = spawn(
    process.execPath,
    [BIN, 'serve', '--db', join(dir, 'stocktake.db'), '--host', '127.0.0.1', '--port', '0'],
    { env: { ...process.env, STOCKTAKE_ENROLL_SECRET: SECRET, NO_PRETTY: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  url = await new Promise<string>((found, failed) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) found(match[1]);
    };
    collector.stdout?.on('data', onData);
    collector.stderr?.on('data', onData);
    collector.once('exit', (code) => failed(new Error(`collector exited with ${code}:\n${output}`)));
  });
});
afterAll(async () => {
  if (collector.exitCode === null) {
    const exited = new Promise((done) => collector.once('exit', done));
    collector.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('live channel acknowledgements', () => {
  // The collector runs in its own process, so an ack it sent before its transaction committed
  // would reach this process while the snapshot is still invisible to another connection.
  it('are sent only once the snapshot is committed: a reader connection sees it when the ack arrives', async () => {
    const enrolled = await fetch(`${url}/api/v1/agent/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enrollSecret: SECRET, hostname: 'ws-0001', agentVersion: '0.1.0', platform: 'linux' }),
    });
    const { agentId, agentToken } = (await enrolled.json()) as { agentId: string; agentToken: string };
    const live = await LiveClient.open(url, agentToken);
    const reader = new Database(join(dir, 'stocktake.db'), { readonly: true, fileMustExist: true });
    const stored = reader.prepare('SELECT 1 FROM snapshots WHERE id = ?');
    const seen: { id: string; visible: boolean }[] = [];
    const snapshotIds = new Map<string, string>();
    live.onAnswer = (answer: Answer) => {
      const snapshotId = snapshotIds.get(answer.id);
      seen.push({ id: answer.id, visible: snapshotId !== undefined && stored.get(snapshotId) !== undefined });
    };
    try {
      // Many at once, so they share batches and the later ones of a batch take a while.
      const software = Array.from({ length: 400 }, (_, i) => dpkgItem(`pkg-${i}`, `1.${i}`));
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, i) => {
          const snapshot = makeSnapshot({ agentId, serial: 'SER1', software });
          snapshotIds.set(`s-${i}`, snapshot.snapshotId);
          return live.request({ type: 'snapshot', id: `s-${i}`, snapshot });
        }),
      );
      expect(answers.every((a) => a.type === 'ack')).toBe(true);
      expect(seen).toHaveLength(40);
      expect(seen.filter((s) => !s.visible)).toEqual([]);
    } finally {
      reader.close();
      live.close();
    }
  });
});
