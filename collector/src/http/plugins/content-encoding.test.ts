import { gzipSync } from 'node:zlib';
import { makeSnapshot } from '@stocktake/shared/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { dumpDatabase } from '../../test-support/dump.ts';
import { expectProblem } from '../../test-support/routes.ts';
import { bearer, createTestApp, enrolAgent, type TestApp } from '../../test-support/test-app.ts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('content codings', () => {
  it('refuses a body in a content coding it does not decode with 415 and Accept-Encoding, storing nothing', async () => {
    t = await createTestApp();
    const { agentId, agentToken } = await enrolAgent(t.app);
    const before = dumpDatabase(t.store.sqlite);
    const gzipped = await t.inject({
      method: 'POST',
      url: '/api/v1/assets',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      payload: gzipSync(JSON.stringify({ assetTag: 'A-1' })),
    });
    expectProblem(gzipped, 415, 'urn:stocktake:problem:unsupported-media-type');
    expect(gzipped.headers['accept-encoding']).toBe('identity');
    expect(gzipped.json().detail).toContain('gzip');
    // Not even a plain body labelled with an unknown coding is taken as it is.
    const labelled = await t.app.inject({
      method: 'POST',
      url: '/api/v1/agent/snapshots',
      headers: { ...bearer(agentToken), 'content-encoding': 'x-stocktake' },
      payload: makeSnapshot({ agentId }),
    });
    expectProblem(labelled, 415, 'urn:stocktake:problem:unsupported-media-type');
    const csv = await t.inject({
      method: 'POST',
      url: '/api/v1/assets/import',
      headers: { 'content-type': 'text/csv', 'content-encoding': 'identity, br' },
      payload: 'asset_tag\r\nA-2\r\n',
    });
    expectProblem(csv, 415, 'urn:stocktake:problem:unsupported-media-type');
    expect(dumpDatabase(t.store.sqlite)).toEqual(before);

    const identity = await t.inject({
      method: 'POST',
      url: '/api/v1/assets',
      headers: { 'content-type': 'application/json', 'content-encoding': 'Identity' },
      payload: JSON.stringify({ assetTag: 'A-3' }),
    });
    expect(identity.statusCode, identity.body).toBe(201);
    const snapshot = await t.app.inject({
      method: 'POST',
      url: '/api/v1/agent/snapshots',
      headers: bearer(agentToken),
      payload: makeSnapshot({ agentId }),
    });
    expect(snapshot.statusCode, snapshot.body).toBe(201);
  });
});
