import { compareSoftware, type SoftwareItem } from '@stocktake/shared';
import { makeSnapshot } from '@stocktake/shared/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../../domain/findings/policies.ts';
import { licenseUsages, presentDevices } from '../../../domain/licenses/compliance.ts';
import { poolKey } from '../../../domain/licenses/positions.ts';
import { createTestApp, enrolAgent, type TestApp } from '../../../test-support/test-app.ts';
import { createSqliteReads, installCountsOf } from './reconciliation-source.ts';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => t.close());

const item = (name: string, version: string): SoftwareItem => ({ name, version, source: 'registry', publisher: 'P' });

describe('license usage in the database', () => {
  it('counts the devices and users of each license as the install rows say', async () => {
    const products = ['Alpha', 'Beta', 'Gamma'];
    for (let i = 0; i < 12; i++) {
      const agent = await enrolAgent(t.app);
      const software = products
        .filter((_, p) => (i + p) % 2 === 0 || i % 5 === p)
        .flatMap((name, p) => [item(name, '1.0'), ...(i % 3 === p ? [item(name, '2.0')] : [])])
        .sort(compareSoftware);
      const users = { loggedIn: [], lastLoggedIn: { user: `user${i % 4}` } };
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/agent/snapshots',
        headers: { authorization: `Bearer ${agent.agentToken}` },
        payload: makeSnapshot({ agentId: agent.agentId, serial: `S${i}`, software, users }),
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    for (const [product, metric] of [
      ['Alpha', 'per_device'],
      ['Beta', 'per_user'],
      ['Gamma', 'per_device'],
    ]) {
      await t.app.inject({ method: 'POST', url: '/api/v1/licenses', payload: { product, metric, seats: 1 } });
    }
    const licenses = await t.app.licenseService.all();
    const usage = async () => {
      const source = createSqliteReads(t.store.db, t.store.sqlite);
      const present = presentDevices(source.devices(), defaultPolicy(), new Date());
      return Object.fromEntries(await licenseUsages(installCountsOf(source), licenses, present));
    };
    const plain = await usage();
    // What the rows say, counted by hand.
    const expected = (name: string) =>
      t.store.sqlite
        .prepare(
          `select count(distinct ds.device_key) as devices, count(distinct d.primary_user) as users
           from device_software ds join software_catalog sc on sc.id = ds.software_id join devices d on d.key = ds.device_key
           where sc.name = ?`,
        )
        .get(name);
    for (const l of licenses) {
      const key = poolKey(l);
      expect(plain[key], l.product).toEqual({ key, ...(expected(l.product) as object) });
    }
  });
});
