import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';

export const TEST_ENROLL_SECRET = 'test-enroll-secret';

export interface TestApp {
  app: FastifyInstance;
  dbPath: string;
  close(): Promise<void>;
}

/** A collector on a fresh temporary SQLite file, for `app.inject` tests. */
export async function createTestApp(
  overrides: { snapshotBodyLimit?: number; csvBodyLimit?: number } = {},
): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'stocktake-collector-'));
  const dbPath = join(dir, 'stocktake.db');
  const app = await buildApp({
    dbPath,
    enrollSecret: TEST_ENROLL_SECRET,
    snapshotBodyLimit: overrides.snapshotBodyLimit ?? 16 * 1024 * 1024,
    bodyLimit: 1024 * 1024,
    ...(overrides.csvBodyLimit ? { csvBodyLimit: overrides.csvBodyLimit } : {}),
    pruneIntervalMs: 0,
    logger: false,
  });
  await app.ready();
  return {
    app,
    dbPath,
    close: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function enrolAgent(app: FastifyInstance): Promise<{ agentId: string; agentToken: string }> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/agent/enroll',
    payload: { enrollSecret: TEST_ENROLL_SECRET, hostname: 'ws-0001', agentVersion: '0.1.0', platform: 'linux' },
  });
  if (res.statusCode !== 201) throw new Error(`enrol failed: ${res.statusCode} ${res.body}`);
  return res.json();
}
