import { setTimeout } from 'node:timers/promises';
import { makeSnapshot } from '@stocktake/shared/testing';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReportingAgent } from '../../../domain/inventory/device-resolution.ts';
import { computeSectionHashes } from '../../../domain/inventory/section-hashes.ts';
import { createRegisterService } from '../../../domain/register/register-service.ts';
import { openPostgresStores, type PostgresPorts } from '../stores.ts';
import { testDatabases } from '../test-support/test-databases.test-support.ts';

const databases = testDatabases();
const opened: PostgresPorts[] = [];
afterAll(async () => {
  for (const s of opened) await s.close();
});

/** Two collector instances over one database, each with its own pool and group commit. */
async function twoInstances(): Promise<[PostgresPorts, PostgresPorts]> {
  const url = await databases.create();
  const pair = await Promise.all([openPostgresStores({ url, poolSize: 2 }), openPostgresStores({ url, poolSize: 2 })]);
  opened.push(...pair);
  return pair;
}

const ROUNDS = 30;
const serialOf = (round: number) => `CZC${1000 + round}`;

describe('two collector instances matching one device at once', () => {
  it('never let discovery overwrite the link a person makes on the other instance meanwhile', async () => {
    const [a, b] = await twoInstances();
    const register = createRegisterService(a.assets);
    const by = { actor: 'ops-admin' };
    const chosen = await register.create({ assetTag: 'CHOSEN' }, {}, by);
    for (let round = 0; round <= ROUNDS; round++) {
      await register.create({ assetTag: `LT-${round}`, serial: serialOf(round) }, {}, by);
    }
    const agent: ReportingAgent = { id: 'agent-1', deviceId: null, enrolledAt: '2026-01-01T00:00:00.000Z' };
    const report = (round: number) => {
      const snapshot = makeSnapshot({ agentId: agent.id, hostname: 'ws-0001', serial: serialOf(round) });
      return b.inventory.ingestSnapshot(agent, snapshot, computeSectionHashes(snapshot).hashes);
    };
    agent.deviceId = (await report(0)).deviceId;
    const deviceId = agent.deviceId;
    for (let round = 1; round <= ROUNDS; round++) {
      // Back to discovery, which links the device by the serial it reported last.
      await a.deviceLinks.unlinkManually(deviceId, 'ops-admin', { rediscover: true });
      expect(await a.deviceLinks.linkOf(deviceId)).toMatchObject({ method: 'serial' });
      // The machine now reports another asset's serial while a person links it by hand, a little
      // later each round, so that the link lands at every point of the ingest in some round.
      const link = setTimeout(round * 2).then(() => a.deviceLinks.linkManually(deviceId, chosen.id, 'ops-admin'));
      await Promise.all([report(round), link]);
      expect(await a.deviceLinks.linkOf(deviceId)).toMatchObject({ assetId: chosen.id, method: 'manual' });
    }
  });
});
