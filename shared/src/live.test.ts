import { describe, expect, it } from 'vitest';
import { RESYNC_PROBLEM_TYPE } from './contract.ts';
import { diffSnapshot } from './delta.ts';
import { validateAgentLiveMessage, validateCollectorLiveMessage } from './live.ts';
import { dpkgItem, makeSnapshot } from './testing.ts';

const snapshot = makeSnapshot({ agentId: 'a1', serial: 'S1', software: [dpkgItem('openssl', '3.0.13-1')] });
const next = { ...makeSnapshot({ agentId: 'a1', serial: 'S1' }), identity: snapshot.identity };

describe('live channel messages', () => {
  it('carries a snapshot and a delta from the agent, each with its correlation id', () => {
    expect(validateAgentLiveMessage({ type: 'snapshot', id: 'm-1', snapshot })).toMatchObject({ ok: true });
    const delta = diffSnapshot(snapshot, next);
    expect(validateAgentLiveMessage({ type: 'delta', id: 'm-2', delta })).toMatchObject({ ok: true });
    // Heartbeats are as before.
    expect(validateAgentLiveMessage({ type: 'heartbeat', sentAt: new Date().toISOString() })).toMatchObject({
      ok: true,
    });
  });

  it('refuses an ingest message without a usable id, with an unknown member, or with a payload that breaks its schema', () => {
    for (const bad of [
      { type: 'snapshot', snapshot },
      { type: 'snapshot', id: '', snapshot },
      { type: 'snapshot', id: 'x'.repeat(65), snapshot },
      { type: 'snapshot', id: 7, snapshot },
      { type: 'snapshot', id: 'm', snapshot, extra: true },
      { type: 'snapshot', id: 'm' },
      { type: 'snapshot', id: 'm', snapshot: { ...snapshot, kind: 'delta' } },
      { type: 'delta', id: 'm', delta: snapshot },
    ]) {
      expect(validateAgentLiveMessage(bad).ok, JSON.stringify(bad).slice(0, 80)).toBe(false);
    }
  });

  it('answers with an ack or an error carrying the id and a problem body', () => {
    expect(
      validateCollectorLiveMessage({ type: 'ack', id: 'm-1', snapshotId: 's', deviceId: 'd', duplicate: false }),
    ).toMatchObject({ ok: true });
    const problem = { type: RESYNC_PROBLEM_TYPE, title: 'Resync needed', status: 409, detail: 'base differs' };
    expect(validateCollectorLiveMessage({ type: 'error', id: 'm-2', status: 409, problem })).toMatchObject({
      ok: true,
    });
    expect(
      validateCollectorLiveMessage({
        type: 'error',
        id: 'm-3',
        status: 400,
        problem: { ...problem, status: 400, errors: [{ path: '/sections/os/data', message: 'is required' }] },
      }),
    ).toMatchObject({ ok: true });
    expect(validateCollectorLiveMessage({ type: 'ack', id: 'm-1', snapshotId: 's', deviceId: 'd' }).ok).toBe(false);
    expect(validateCollectorLiveMessage({ type: 'error', id: 'm-2', status: 409 }).ok).toBe(false);
    expect(validateCollectorLiveMessage({ type: 'refresh', requestId: 'r' })).toMatchObject({ ok: true });
  });
});
