import { readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import agentsContract from '../contract/agents.contract.ts';
import apiTokensContract from '../contract/api-tokens.contract.ts';
import assetRegisterContract from '../contract/asset-register.contract.ts';
import auditTrailContract from '../contract/audit-trail.contract.ts';
import deviceAdminContract from '../contract/device-admin.contract.ts';
import deviceClaimsContract from '../contract/device-claims.contract.ts';
import deviceLinksContract from '../contract/device-links.contract.ts';
import enrollSecretsContract from '../contract/enroll-secrets.contract.ts';
import enrolmentBlocksContract from '../contract/enrolment-blocks.contract.ts';
import findingsContract from '../contract/findings.contract.ts';
import identityConflictsContract from '../contract/identity-conflicts.contract.ts';
import inventoryContract from '../contract/inventory.contract.ts';
import jobLeasesContract from '../contract/job-leases.contract.ts';
import licenseBookContract from '../contract/license-book.contract.ts';
import listsContract from '../contract/lists.contract.ts';
import liveRostersContract from '../contract/live-rosters.contract.ts';
import maintenanceContract from '../contract/maintenance.contract.ts';
import policiesContract from '../contract/policies.contract.ts';
import reconciliationFactsContract from '../contract/reconciliation-facts.contract.ts';
import runsContract from '../contract/runs.contract.ts';
import snapshotArchiveContract from '../contract/snapshot-archive.contract.ts';
import storesContract from '../contract/stores.contract.ts';
import usageContract from '../contract/usage.contract.ts';
import usersContract from '../contract/users.contract.ts';
import { openPostgresStores, type PostgresPorts } from './stores.ts';
import { testDatabases } from './test-support/test-databases.test-support.ts';

const databases = testDatabases();
const opened: { close(): Promise<void> }[] = [];

/** Each case of a contract gets a database of its own, created from the migrated template. */
const openPostgres = async (): Promise<PostgresPorts> => {
  const stores = await openPostgresStores({ url: await databases.create(), poolSize: 2 });
  opened.push(stores);
  return stores;
};
afterAll(async () => {
  for (const s of opened) await s.close().catch(() => undefined);
});

/** The contracts of the ports the engine has: each checked by the type system against `PostgresPorts`. */
const PASSING: Record<string, (open: typeof openPostgres) => void> = {
  stores: storesContract,
  'audit-trail': auditTrailContract,
  'api-tokens': apiTokensContract,
  agents: agentsContract,
  'enroll-secrets': enrollSecretsContract,
  runs: runsContract,
  findings: findingsContract,
  'license-book': licenseBookContract,
  policies: policiesContract,
  'asset-register': assetRegisterContract,
  'device-links': deviceLinksContract,
  'identity-conflicts': identityConflictsContract,
  usage: usageContract,
  users: usersContract,
  maintenance: maintenanceContract,
  lists: listsContract,
  'job-leases': jobLeasesContract,
  'live-rosters': liveRostersContract,
  inventory: inventoryContract,
  'snapshot-archive': snapshotArchiveContract,
  'enrolment-blocks': enrolmentBlocksContract,
  'device-claims': deviceClaimsContract,
  'device-admin': deviceAdminContract,
  'reconciliation-facts': reconciliationFactsContract,
};

/** The contracts of ports not built on PostgreSQL yet, each with what it waits for. */
const NOT_YET: Record<string, string> = {};

const CONTRACT_DIR = new URL('../contract/', import.meta.url);
const contracts = readdirSync(CONTRACT_DIR)
  .filter((f) => f.endsWith('.contract.ts'))
  .map((f) => f.replace('.contract.ts', ''));

describe(`the PostgreSQL engine (server ${databases.server.version})`, () => {
  it('runs every port contract, or says why it does not yet', () => {
    const accounted = [...Object.keys(PASSING), ...Object.keys(NOT_YET)].sort();
    expect(accounted).toEqual([...contracts].sort());
  });
  for (const [name, contract] of Object.entries(PASSING)) describe(name, () => contract(openPostgres));
  for (const [name, reason] of Object.entries(NOT_YET)) describe(name, () => it.skip(reason, () => undefined));
});
