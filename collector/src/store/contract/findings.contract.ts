import { expect, it } from 'vitest';
import { FindingTransitionError } from '../../domain/findings/errors.ts';
import { evidenceHash } from '../../domain/findings/lifecycle.ts';
import type { Candidate } from '../../domain/findings/rule.ts';
import type { Stores } from '../../domain/ports.ts';
import type { OpenPorts } from './open-ports.ts';

const NOW = new Date('2026-11-22T12:00:00Z');
const later = (hours: number) => new Date(NOW.getTime() + hours * 3_600_000);

const ghost: Candidate = {
  type: 'ghost_asset',
  subjectKind: 'asset',
  subjectId: 'asset-1',
  subKey: '',
  severity: 'medium',
  summary: 'LT-1 is deployed in the register but no agent has ever reported it (policy 30 days)',
  facts: { assetTag: 'LT-1', status: 'deployed', lastSeenAt: null },
  observed: {},
  refs: [
    { kind: 'device', id: 'dev-1' },
    { kind: 'asset', id: 'asset-1' },
  ],
};

/** A finding opened by a run, as the store then holds it. */
async function opened(stores: Pick<Stores, 'runs' | 'findings'>) {
  const run = await stores.runs.start('api', 'erin', NOW);
  const hash = evidenceHash(ghost.facts);
  const [first] = await stores.findings.apply([{ op: 'insert', candidate: ghost, hash }], NOW, run.id);
  if (!first) throw new Error('the run opened nothing');
  return { run, hash, id: first.id };
}

/** Findings: opened by runs, then acknowledged, snoozed, reopened by people, resolved and recurring by runs. */
export default function findingsContract(open: OpenPorts<'findings' | 'runs'>): void {
  it('opens a finding from a run, with its evidence, refs and history, and reads it back as stored', async () => {
    const stores = await open();
    const { run, hash, id } = await opened(stores);
    const finding = await stores.findings.get(id);
    expect(finding).toMatchObject({
      type: 'ghost_asset',
      severity: 'medium',
      status: 'open',
      subject: { kind: 'asset', id: 'asset-1', subKey: null },
      summary: ghost.summary,
      evidence: { facts: ghost.facts, observed: {} },
      firstSeenAt: NOW.toISOString(),
      openedAt: NOW.toISOString(),
      occurrences: 1,
      statusChangedBy: 'reconciliation',
    });
    expect(finding?.refs).toEqual([
      { kind: 'asset', id: 'asset-1' },
      { kind: 'device', id: 'dev-1' },
    ]);
    expect(await stores.findings.stored()).toEqual([
      expect.objectContaining({ id, type: 'ghost_asset', subjectId: 'asset-1', subKey: '', evidenceHash: hash }),
    ]);
    expect(await stores.findings.events(id)).toEqual([
      expect.objectContaining({ kind: 'opened', runId: run.id, fromStatus: null, toStatus: 'open' }),
    ]);
    expect(await stores.findings.get(id + 1000)).toBeUndefined();
    await stores.close();
  });

  it('acknowledges, snoozes until a future date and reopens, each with its comment in the history', async () => {
    const stores = await open();
    const { id } = await opened(stores);
    const ack = await stores.findings.changeStatus(id, { action: 'acknowledge', comment: 'known' }, 'erin', later(1));
    expect(ack).toMatchObject({ status: 'acknowledged', statusChangedBy: 'erin', statusComment: 'known' });
    const until = later(48).toISOString();
    const snoozed = await stores.findings.changeStatus(id, { action: 'snooze', until }, 'erin', later(2));
    expect(snoozed).toMatchObject({ status: 'snoozed', snoozedUntil: until });
    await expect(
      stores.findings.changeStatus(id, { action: 'snooze', until: NOW.toISOString() }, 'erin', later(3)),
    ).rejects.toBeInstanceOf(FindingTransitionError);
    expect(await stores.findings.changeStatus(id, { action: 'reopen' }, 'erin', later(4))).toMatchObject({
      status: 'open',
      snoozedUntil: null,
    });
    expect((await stores.findings.events(id)).map((e) => [e.kind, e.comment])).toEqual([
      ['opened', null],
      ['acknowledged', 'known'],
      ['snoozed', null],
      ['reopened', null],
    ]);
    expect(await stores.findings.changeStatus(id + 1000, { action: 'acknowledge' }, 'erin')).toBeUndefined();
    await stores.close();
  });

  it('resolves a finding (which people can no longer change) and reopens the same one when it recurs', async () => {
    const stores = await open();
    const { run, hash, id } = await opened(stores);
    await stores.findings.apply([{ op: 'resolve', id, from: 'open' }], later(1), run.id);
    expect(await stores.findings.get(id)).toMatchObject({ status: 'resolved', resolvedAt: later(1).toISOString() });
    expect(await stores.findings.activeCounts()).toEqual([]);
    await expect(stores.findings.changeStatus(id, { action: 'acknowledge' }, 'erin')).rejects.toBeInstanceOf(
      FindingTransitionError,
    );
    const back = await stores.findings.apply([{ op: 'recur', id, candidate: ghost, hash }], later(2), run.id);
    expect(back).toEqual([expect.objectContaining({ id, reason: 'recurred', type: 'ghost_asset' })]);
    expect(await stores.findings.get(id)).toMatchObject({ status: 'open', occurrences: 2, resolvedAt: null });
    expect(await stores.findings.activeCounts()).toEqual([
      { type: 'ghost_asset', severity: 'medium', status: 'open', count: 1 },
    ]);
    await stores.close();
  });
}
