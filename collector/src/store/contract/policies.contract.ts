import { expect, it } from 'vitest';
import { defaultPolicy } from '../../domain/findings/policies.ts';
import type { OpenPorts } from './open-ports.ts';

const NOW = new Date('2026-11-22T12:00:00Z');

/** The reconciliation policy: the document as written, the policy in force from it. */
export default function policiesContract(open: OpenPorts<'policies'>): void {
  it('starts from the defaults, stores a document as written and resolves it, changing nothing when it is the same', async () => {
    const stores = await open();
    expect(await stores.policies.current()).toEqual({
      document: {},
      policy: defaultPolicy(),
      updatedAt: null,
      updatedBy: null,
    });
    const document = { ghostAfterDays: 45, shelfware: { minUnusedSeats: 2 } };
    const stored = await stores.policies.replace(document, 'erin', 'api', NOW);
    expect(stored).toEqual({
      document,
      policy: { ...defaultPolicy(), ghostAfterDays: 45, shelfware: { minUnusedSeats: 2, renewalHorizonDays: 90 } },
      updatedAt: NOW.toISOString(),
      updatedBy: 'erin',
    });
    expect(await stores.policies.current()).toEqual(stored);
    const same = await stores.policies.replace({ ...document }, 'root', 'api', new Date(NOW.getTime() + 60_000));
    expect(same).toEqual(stored);
    await stores.close();
  });
}
