import { describe, expect, it } from 'vitest';
import { type Action, evidenceHash, planLifecycle, type StoredFinding } from './lifecycle.ts';
import type { Candidate } from './rule.ts';

const NOW = new Date('2026-11-22T12:00:00Z');

function candidate(
  subjectId: string,
  facts: Record<string, unknown> = { n: 1 },
  extra: Partial<Candidate> = {},
): Candidate {
  return {
    type: 'stale_agent',
    subjectKind: 'device',
    subjectId,
    subKey: '',
    severity: 'low',
    summary: `${subjectId} is quiet`,
    facts,
    refs: [{ kind: 'device', id: subjectId }],
    ...extra,
  };
}

function stored(id: number, c: Candidate, extra: Partial<StoredFinding> = {}): StoredFinding {
  return {
    id,
    type: c.type,
    subjectId: c.subjectId,
    subKey: c.subKey,
    status: 'open',
    severity: c.severity,
    evidenceHash: evidenceHash(c.facts),
    snoozedUntil: null,
    summary: c.summary,
    observedJson: JSON.stringify(c.observed ?? {}),
    ...extra,
  };
}

const ops = (actions: Action[]) =>
  actions.map((a) =>
    'id' in a ? `${a.op}:${a.id}${a.op === 'return' ? `:${a.reason}` : ''}` : `${a.op}:${a.candidate.subjectId}`,
  );

describe('planLifecycle', () => {
  it('inserts what is new, only touches what holds unchanged, and resolves what cleared', () => {
    const a = candidate('a');
    const b = candidate('b');
    const plan = planLifecycle([stored(1, a), stored(2, b)], [a, candidate('c')], NOW);
    expect(ops(plan.actions)).toEqual(['touch:1', 'insert:c', 'resolve:2']);
    expect(plan.counts.stale_agent).toEqual({ opened: 1, recurred: 0, returned: 0, resolved: 1, open: 2 });
  });

  it('reopens a resolved finding as the same row when its condition comes back', () => {
    const a = candidate('a');
    const plan = planLifecycle([stored(7, a, { status: 'resolved' })], [a], NOW);
    expect(ops(plan.actions)).toEqual(['recur:7']);
    expect(plan.counts.stale_agent?.recurred).toBe(1);
    // A resolved finding that still does not hold is left alone.
    expect(planLifecycle([stored(7, a, { status: 'resolved' })], [], NOW).actions).toEqual([]);
  });

  it('keeps an acknowledged finding quiet until the hash of its evidence changes', () => {
    const a = candidate('a', { lastSeenAt: '2026-11-01' }, { observed: { daysSilent: 21 } });
    const acked = stored(3, a, { status: 'acknowledged' });
    // Moving values (observed, summary) are rewritten, the status stays.
    const later = { ...a, summary: 'a is quieter', observed: { daysSilent: 22 } };
    expect(planLifecycle([acked], [later], NOW).actions).toEqual([
      expect.objectContaining({ op: 'refresh', id: 3, status: 'acknowledged', evidenceChanged: false }),
    ]);
    expect(planLifecycle([acked], [a], NOW).actions).toEqual([{ op: 'touch', id: 3 }]);
    const changed = candidate('a', { lastSeenAt: '2026-11-05' });
    const plan = planLifecycle([acked], [changed], NOW);
    expect(ops(plan.actions)).toEqual(['return:3:evidence_changed']);
    expect(plan.counts.stale_agent?.returned).toBe(1);
  });

  it('keeps a snoozed finding snoozed until its date, then opens it if it still holds', () => {
    const a = candidate('a');
    const until = (d: string) => stored(4, a, { status: 'snoozed', snoozedUntil: d });
    expect(ops(planLifecycle([until('2026-11-23T00:00:00Z')], [a], NOW).actions)).toEqual(['touch:4']);
    // New evidence while snoozed is recorded without waking it.
    expect(planLifecycle([until('2026-11-23T00:00:00Z')], [candidate('a', { n: 2 })], NOW).actions).toEqual([
      expect.objectContaining({ op: 'refresh', status: 'snoozed', evidenceChanged: true }),
    ]);
    expect(ops(planLifecycle([until('2026-11-22T12:00:00Z')], [a], NOW).actions)).toEqual(['return:4:snooze_expired']);
    // Past its date but no longer holding: it resolves.
    expect(ops(planLifecycle([until('2026-11-01T00:00:00Z')], [], NOW).actions)).toEqual(['resolve:4']);
  });

  it('resolves acknowledged and snoozed findings too when their condition clears', () => {
    const rows = [
      stored(1, candidate('a'), { status: 'acknowledged' }),
      stored(2, candidate('b'), { status: 'snoozed', snoozedUntil: '2027-01-01T00:00:00Z' }),
    ];
    expect(planLifecycle(rows, [], NOW).actions).toEqual([
      { op: 'resolve', id: 1, from: 'acknowledged' },
      { op: 'resolve', id: 2, from: 'snoozed' },
    ]);
  });

  it('hashes evidence by content, whatever the order of its keys', () => {
    expect(evidenceHash({ a: 1, b: [1, 2] })).toBe(evidenceHash({ b: [1, 2], a: 1 }));
    expect(evidenceHash({ a: 1 })).not.toBe(evidenceHash({ a: 2 }));
  });
});
