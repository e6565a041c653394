import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Snapshot } from '@stocktake/shared';
import type { ApiRole } from '@stocktake/shared/api';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { type AppOptions, buildApp } from '../compose/app.ts';
import { type SqliteInside, sqliteInside } from '../store/sqlite/stores.ts';

export const TEST_ENROLL_SECRET = 'test-enroll-secret';

/** Name of the admin token every test app starts with: the actor of writes made through `t.inject`. */
export const TEST_ADMIN = 'test-admin';

/** The SQLite engine under a test app (every test app is on SQLite): its handles and the parts not behind a port. */
export const sqliteOf = (app: FastifyInstance): SqliteInside => sqliteInside(app.stores);

export interface TestApp {
  app: FastifyInstance;
  /** Its SQLite database and parts, for assertions on what is stored. */
  store: SqliteInside;
  dbPath: string;
  /** The secret of the `test-admin` token. */
  adminToken: string;
  /** `app.inject` as the test admin, unless the request carries its own Authorization header. */
  inject(options: InjectOptions | string): Promise<LightMyRequestResponse>;
  /** A new API token's secret (names are unique among live tokens). */
  token(name: string, role?: ApiRole): Promise<string>;
  /** Authorization headers of a token with this name (admin unless said), made on first use. */
  as(name: string, role?: ApiRole): Promise<{ authorization: string }>;
  close(): Promise<void>;
}

/** `Authorization: Bearer <secret>` as inject headers. */
export const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

/** A collector on a fresh temporary SQLite file, for `app.inject` tests, with an admin token. */
export async function createTestApp(
  overrides: Partial<Omit<AppOptions, 'dbPath' | 'logger' | 'enrollSecret'>> = {},
): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'stocktake-collector-'));
  const dbPath = join(dir, 'stocktake.db');
  const app = await buildApp({
    snapshotBodyLimit: 16 * 1024 * 1024,
    bodyLimit: 1024 * 1024,
    pruneIntervalMs: 0,
    ...overrides,
    // Tests enrol whole fleets from one address; the per-token limit stays as in production.
    rateLimit: { enrollPerAddress: 0, ...overrides.rateLimit },
    // Tests push bursts of snapshots from one agent; the per-agent budget has its own tests.
    agentBudget: { requestsPerMinute: 0, bytesPerMinute: 0, ...overrides.agentBudget },
    dbPath,
    enrollSecret: TEST_ENROLL_SECRET,
    logger: false,
  });
  await app.ready();
  const token = async (name: string, role: ApiRole = 'admin') =>
    (await app.stores.apiTokens.create({ name, role }, 'test')).secret;
  const adminToken = await token(TEST_ADMIN);
  const made = new Map<string, string>([[TEST_ADMIN, adminToken]]);
  return {
    app,
    store: sqliteOf(app),
    dbPath,
    adminToken,
    token,
    as: async (name, role = 'admin') => {
      let secret = made.get(name);
      if (!secret) {
        secret = await token(name, role);
        made.set(name, secret);
      }
      return bearer(secret);
    },
    inject: (options) => {
      const o: InjectOptions = typeof options === 'string' ? { url: options } : options;
      const headers = (o.headers ?? {}) as Record<string, string | string[] | undefined>;
      if (headers.authorization !== undefined) return app.inject(o);
      return app.inject({ ...o, headers: { ...headers, ...bearer(adminToken) } });
    },
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

/**
 * Stores a snapshot as received at `receivedAt` (the ingest without HTTP): for tests of what
 * happens to history as it ages. The agent is read afresh, as the route does, since it learns
 * its device at its first snapshot.
 */
export async function ingestAt(
  app: FastifyInstance,
  agentToken: string,
  snapshot: Snapshot,
  receivedAt: Date,
): Promise<string> {
  const agent = await app.stores.agents.findByToken(agentToken);
  if (!agent) throw new Error('agent not stored');
  const hashes = Object.fromEntries(Object.entries(snapshot.sections).map(([name, s]) => [name, s.hash]));
  return sqliteOf(app).devicesRepository.ingest(agent, snapshot, hashes, receivedAt).deviceId;
}
