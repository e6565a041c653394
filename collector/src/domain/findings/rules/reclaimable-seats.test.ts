import { describe, expect, it } from 'vitest';
import type { Reclamation } from '../../usage/reclamation.ts';
import { defaultPolicy } from '../policies.ts';
import { ctx, inDays } from '../rule-fixtures.ts';
import { reclaimableSeats } from './reclaimable-seats.rule.ts';

const position = (extra: Partial<Reclamation> = {}): Reclamation => ({
  product: 'Acme CAD',
  metric: 'per_device',
  seats: 10,
  installs: 6,
  usedInstalls: 3,
  unusedInstalls: 2,
  unknownInstalls: 1,
  users: 6,
  usersWhoUsed: 3,
  reclaimable: 2,
  reclaimableSeats: [
    { deviceId: 'dev-2', hostname: 'ws-2', user: 'bob', lastUsed: null, class: 'unused' },
    { deviceId: 'dev-1', hostname: 'ws-1', user: 'alice', lastUsed: '2026-05-01', class: 'unused' },
  ],
  costPerSeat: 120,
  nextRenewal: inDays(60),
  renewingSeats: 6,
  savingAtRenewal: 200,
  ...extra,
});

describe('reclaimable_seats', () => {
  it('opens ahead of a renewal when the reclaimable seats reach the policy’s minimum', () => {
    expect(reclaimableSeats(position(), ctx())).toMatchObject({
      subjectKind: 'product',
      subjectId: 'Acme CAD',
      subKey: 'per_device',
      facts: { reclaimable: 2, savingAtRenewal: 200, where: ['dev-1', 'dev-2'], minSeats: 1 },
      refs: [
        { kind: 'device', id: 'dev-2' },
        { kind: 'device', id: 'dev-1' },
      ],
    });
    expect(reclaimableSeats(position(), ctx())?.summary).toBe(
      `Acme CAD: 2 seats of 10 reclaimable (installs unused for over 90 days), renews ${inDays(60)}, 200.00 at renewal`,
    );
  });

  it('holds nothing outside the renewal horizon, without a renewal, or below the minimum', () => {
    expect(reclaimableSeats(position({ nextRenewal: inDays(91) }), ctx())).toBeUndefined();
    expect(reclaimableSeats(position({ nextRenewal: null }), ctx())).toBeUndefined();
    expect(reclaimableSeats(position({ reclaimable: 0, reclaimableSeats: [] }), ctx())).toBeUndefined();
    const strict = { ...defaultPolicy(), reclamation: { minSeats: 3 } };
    expect(reclaimableSeats(position(), ctx(strict))).toBeUndefined();
  });
});
