import { makeSnapshot } from '@stocktake/shared/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../store/postgres/test-support/test-databases.test-support.ts';
import { buildApp } from './app.ts';

const databases = testDatabases();
const ENROLL_SECRET = 'postgres-enroll-secret';
const started: FastifyInstance[] = [];
afterAll(async () => {
  for (const app of started) await app.close().catch(() => undefined);
});

/** A collector on `url`, listening on a port of 127.0.0.1, and a client of its API with an admin token. */
async function collectorOn(url: string) {
  const app = await buildApp({
    dbPath: url,
    enrollSecret: ENROLL_SECRET,
    logger: false,
    pruneIntervalMs: 0,
    bodyLimit: 1024 * 1024,
    snapshotBodyLimit: 16 * 1024 * 1024,
  });
  started.push(app);
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const admin = (await app.stores.apiTokens.create({ name: 'admin', role: 'admin' }, 'test')).secret;
  const call = async (method: string, path: string, body?: unknown, token = admin) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, text };
  };
  return { app, call };
}

describe('a collector on PostgreSQL', () => {
  it('enrols an agent, stores its snapshot, answers the device, and runs a reconciliation over it', async () => {
    const { call } = await collectorOn(await databases.create());
    const enrolled = await call('POST', '/api/v1/agent/enroll', {
      enrollSecret: ENROLL_SECRET,
      hostname: 'ws-pg',
      agentVersion: '0.1.0',
      platform: 'linux',
    });
    expect(enrolled.status, enrolled.text).toBe(201);
    const { agentId, agentToken } = enrolled.body as { agentId: string; agentToken: string };
    const snapshot = makeSnapshot({
      agentId,
      hostname: 'ws-pg',
      serial: 'PG-1',
      software: [{ name: 'Office', version: '16', source: 'registry', publisher: 'P' }],
    });
    const stored = await call('POST', '/api/v1/agent/snapshots', snapshot, agentToken);
    expect(stored.status, stored.text).toBe(201);
    const deviceId = stored.body.deviceId as string;

    const device = await call('GET', `/api/v1/devices/${deviceId}`);
    expect(device.status, device.text).toBe(200);
    expect(device.body).toMatchObject({ id: deviceId, hostname: 'ws-pg', hardwareSerial: 'PG-1' });

    expect((await call('POST', '/api/v1/assets', { assetTag: 'A-1', serial: 'PG-1', status: 'deployed' })).status).toBe(
      201,
    );
    const license = await call('POST', '/api/v1/licenses', { product: 'Office', metric: 'per_device', seats: 1 });
    expect(license.status, license.text).toBe(201);

    const run = await call('POST', '/api/v1/reconciliations');
    expect(run.status, run.text).toBe(200);
    expect(run.body).toMatchObject({ status: 'succeeded', matching: { devices: 1, linked: 1 } });
    const compliance = await call('GET', `/api/v1/licenses/${license.body.id as string}/compliance`);
    expect(compliance.status, compliance.text).toBe(200);
    expect(compliance.body).toMatchObject({ usage: { used: 1, devices: 1, state: 'within' } });
    const linked = await call('GET', `/api/v1/devices/${deviceId}`);
    expect(JSON.stringify(linked.body)).toContain('A-1');
  });
});
