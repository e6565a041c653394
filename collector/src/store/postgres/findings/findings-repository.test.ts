import { afterAll, describe, expect, it } from 'vitest';
import { evidenceHash } from '../../../domain/findings/lifecycle.ts';
import type { Candidate } from '../../../domain/findings/rule.ts';
import { openPostgresStores, type PostgresPorts } from '../stores.ts';
import { testDatabases } from '../test-support/test-databases.test-support.ts';

const databases = testDatabases();
const opened: PostgresPorts[] = [];
afterAll(async () => {
  for (const s of opened) await s.close();
});

describe('findings on PostgreSQL', () => {
  it('give back what a finding observed exactly as written, so a run that sees the same only touches it', async () => {
    const stores = await openPostgresStores({ url: await databases.create(), poolSize: 2 });
    opened.push(stores);
    // Keys a jsonb column would reorder (shorter first) and print with spaces.
    const observed = { zeta: 1, a: { longer: [1, 2], b: null }, ok: 'yes' };
    const candidate: Candidate = {
      type: 'ghost_asset',
      subjectKind: 'asset',
      subjectId: 'asset-1',
      subKey: '',
      severity: 'medium',
      summary: 'LT-1 is deployed but no agent reports it',
      facts: { assetTag: 'LT-1' },
      observed,
      refs: [],
    };
    const run = await stores.runs.start('api', 'erin', new Date('2026-11-22T12:00:00Z'));
    await stores.findings.apply([{ op: 'insert', candidate, hash: evidenceHash(candidate.facts) }], new Date(), run.id);
    const [stored] = await stores.findings.stored();
    expect(stored?.observedJson).toBe(JSON.stringify(observed));
  });
});
