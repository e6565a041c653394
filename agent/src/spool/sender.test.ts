import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AgentMessage,
  applyDelta,
  ProblemTypes,
  type Snapshot,
  type SnapshotAck,
  type SnapshotDelta,
} from '@stocktake/shared';
import { dpkgItem, makeSnapshot } from '@stocktake/shared/testing';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CollectorClient, CollectorError } from '../client.ts';
import { Session } from '../live/session.ts';
import { loadCredentials, saveCredentials } from '../state.ts';
import { backoffDelay } from './backoff.ts';
import { Outbox } from './outbox.ts';
import { Sender } from './sender.ts';

const log = pino({ level: 'silent' });
const SERVER = 'http://collector.test/';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stocktake-sender-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A collector in memory that behaves like the real one where the sender cares: stores each
 * snapshot id once, applies deltas on the last stored snapshot, answers resync otherwise.
 */
class FakeCollector {
  stored: Snapshot[] = [];
  tokens = new Set(['token-1']);
  enrolments = 0;
  /** Next answers to force, in order, before normal behaviour. */
  failures: (CollectorError | 'hang')[] = [];
  deltaRoute = true;
  received: AgentMessage[] = [];

  client(): CollectorClient {
    const push = async (message: AgentMessage, token: string, signal?: AbortSignal): Promise<SnapshotAck> => {
      this.received.push(structuredClone(message));
      const failure = this.failures.shift();
      if (failure === 'hang') {
        await new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));
      } else if (failure) throw failure;
      if (!this.tokens.has(token)) throw new CollectorError('revoked', 'unauthorized', 401);
      const seen = this.stored.find((s) => s.snapshotId === message.snapshotId);
      if (seen) return { snapshotId: message.snapshotId, deviceId: 'device-1', duplicate: true };
      let full: Snapshot;
      if (message.kind === 'delta') {
        if (!this.deltaRoute)
          throw new CollectorError('no route', 'refused', 404, { problemType: ProblemTypes.notFound });
        const last = this.stored.at(-1);
        if (!last || last.snapshotId !== message.baseSnapshotId) throw new CollectorError('resync', 'resync', 409);
        full = applyDelta(last, message);
      } else full = message;
      this.stored.push(full);
      return { snapshotId: message.snapshotId, deviceId: 'device-1', duplicate: false };
    };
    return {
      serverUrl: SERVER,
      enroll: async () => {
        this.enrolments++;
        const token = `token-${this.enrolments + 1}`;
        this.tokens.add(token);
        return { agentId: `agent-${this.enrolments + 1}`, agentToken: token };
      },
      pushSnapshot: (s, t, signal) => push(s, t, signal),
      pushDelta: (d: SnapshotDelta, t, signal) => push(d, t, signal),
    };
  }
}

let clock = Date.parse('2026-11-22T10:00:00Z');
function collect(extra: string[] = []): Snapshot {
  clock += 3_600_000;
  return makeSnapshot({
    agentId: 'agent-1',
    at: new Date(clock),
    software: [dpkgItem('base', '1'), ...extra.map((n) => dpkgItem(n, '1'))],
  });
}

const HOUR = 3_600_000;

async function setup(
  collector: FakeCollector,
  options: { retryMs?: number; enrollSecret?: string; enrolledAgoMs?: number; confirmed?: boolean } = {},
) {
  await saveCredentials(dir, {
    serverUrl: SERVER,
    agentId: 'agent-1',
    agentToken: 'token-1',
    enrolledAt: new Date(Date.now() - (options.enrolledAgoMs ?? 2 * HOUR)).toISOString(),
    confirmed: options.confirmed ?? true,
  });
  const client = collector.client();
  const session = await Session.open({
    client,
    stateDir: dir,
    log,
    ...(options.enrollSecret ? { enrollSecret: options.enrollSecret } : {}),
  });
  const outbox = Outbox.open(dir, { maxEntries: 100, maxBytes: 10_000_000 }, log);
  const retryMs = options.retryMs ?? 5;
  const sender = new Sender({ outbox, session, client, log, retry: { minMs: retryMs, maxMs: retryMs * 4 } });
  const enqueue = (s: Snapshot) => outbox.enqueue(s, { fullEveryMs: 86_400_000, now: clock }).entry;
  return { outbox, sender, session, enqueue };
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('Sender', () => {
  it('delivers the queue in order, deltas included, and empties it', async () => {
    const collector = new FakeCollector();
    const { outbox, sender, enqueue } = await setup(collector);
    const snapshots = [collect(), collect(['htop']), collect(['htop', 'jq'])];
    for (const s of snapshots) enqueue(s);
    expect(await sender.kick()).toBeUndefined();
    expect(collector.received.map((m) => m.kind)).toEqual(['full', 'delta', 'delta']);
    expect(collector.stored.map((s) => s.snapshotId)).toEqual(snapshots.map((s) => s.snapshotId));
    expect(collector.stored.at(-1)?.sections.software.hash).toBe(snapshots[2]?.sections.software.hash);
    expect(outbox.depth).toBe(0);
    expect(outbox.lastAcknowledged?.snapshot.snapshotId).toBe(snapshots[2]?.snapshotId);
  });

  it('keeps everything while the collector is away, retries with backoff, then delivers each once in order', async () => {
    const collector = new FakeCollector();
    const { outbox, sender, enqueue } = await setup(collector, { retryMs: 20 });
    const down = () => new CollectorError('ECONNREFUSED', 'unreachable');
    collector.failures = [down(), down(), down()];
    const snapshots = [collect(), collect(['a']), collect(['a', 'b'])];
    for (const s of snapshots) enqueue(s);
    const first = await sender.kick();
    expect(first).toBeInstanceOf(CollectorError);
    expect(sender.state.retryAt).toBeGreaterThan(Date.now() - 1);
    expect(outbox.depth).toBe(3);
    await until(() => outbox.depth === 0);
    expect(collector.stored.map((s) => s.snapshotId)).toEqual(snapshots.map((s) => s.snapshotId));
    await sender.stop(100);
  });

  it('answers resync by sending the same snapshot in full, then carries on with deltas', async () => {
    const collector = new FakeCollector();
    const { sender, enqueue } = await setup(collector);
    enqueue(collect());
    await sender.kick();
    collector.stored = []; // the collector lost its state (restored from an old backup)
    const b = collect(['x']);
    enqueue(b);
    enqueue(collect(['x', 'y']));
    await sender.kick();
    expect(collector.received.slice(1).map((m) => `${m.kind}:${m.snapshotId === b.snapshotId}`)).toEqual([
      'delta:true',
      'full:true',
      'delta:false',
    ]);
    expect(collector.stored).toHaveLength(2);
  });

  it('a resend after an unknown outcome is stored once (the collector answers duplicate)', async () => {
    const collector = new FakeCollector();
    const { outbox, sender, enqueue } = await setup(collector, { retryMs: 5 });
    const a = collect();
    enqueue(a);
    // Stored, but the answer is lost on the way back.
    const client = collector.client();
    await client.pushSnapshot(a, 'token-1');
    await sender.kick();
    expect(collector.stored.map((s) => s.snapshotId)).toEqual([a.snapshotId]);
    expect(outbox.depth).toBe(0);
  });

  it('enrols again when the token is revoked, and stamps the new agent id on what it sends', async () => {
    const collector = new FakeCollector();
    const { sender, session, enqueue } = await setup(collector, { enrollSecret: 'secret' });
    collector.tokens.delete('token-1');
    enqueue(collect());
    await sender.kick();
    expect(collector.enrolments).toBe(1);
    expect(session.credentials?.agentId).toBe('agent-2');
    expect(collector.stored[0]?.agent.id).toBe('agent-2');
  });

  it('waits, keeping the queue, when the token is refused and there is no secret to enrol with', async () => {
    const collector = new FakeCollector();
    const { outbox, sender, enqueue } = await setup(collector, { retryMs: 60_000 });
    collector.tokens.delete('token-1');
    enqueue(collect());
    const error = await sender.kick();
    expect(error?.message).toMatch(/not enrolled/);
    expect(outbox.depth).toBe(1);
    await sender.stop(10);
  });

  it('drops a snapshot the collector refuses for good, and sends the next one in full', async () => {
    const collector = new FakeCollector();
    const { outbox, sender, enqueue } = await setup(collector);
    collector.failures = [new CollectorError('invalid', 'refused', 400, { problemType: ProblemTypes.validation })];
    const a = collect();
    const b = collect(['x']);
    enqueue(a);
    enqueue(b);
    await sender.kick();
    expect(collector.stored.map((s) => s.snapshotId)).toEqual([b.snapshotId]);
    expect(collector.received.map((m) => m.kind)).toEqual(['full', 'full']);
    expect(outbox.depth).toBe(0);
    expect(sender.state.lastError).toMatch(/invalid/);
  });

  it.each([
    ['a 400 that is not a schema violation', 400, ProblemTypes.badRequest],
    ['a 400 without problem details (a proxy)', 400, undefined],
    ['a 404 on the snapshot route', 404, ProblemTypes.notFound],
    ['a 409 conflict', 409, ProblemTypes.conflict],
    ['a 415', 415, ProblemTypes.unsupportedMediaType],
  ])('keeps the snapshot and backs off on %s', async (_name, status, problemType) => {
    const collector = new FakeCollector();
    const { outbox, sender, enqueue } = await setup(collector, { retryMs: 60_000 });
    collector.failures = [new CollectorError('no', 'refused', status, problemType ? { problemType } : {})];
    const a = collect();
    enqueue(a);
    const error = await sender.kick();
    expect(error).toBeInstanceOf(CollectorError);
    expect(outbox.entries.map((e) => e.snapshotId)).toEqual([a.snapshotId]);
    expect(sender.state.retryAt).toBeGreaterThan(Date.now());
    await sender.stop(10);
  });

  it('waits at least as long as Retry-After asks', async () => {
    const collector = new FakeCollector();
    const { outbox, sender, enqueue } = await setup(collector, { retryMs: 5 });
    collector.failures = [new CollectorError('busy', 'server-error', 503, { retryAfterMs: 120_000 })];
    enqueue(collect());
    await sender.kick();
    expect(sender.state.retryAt).toBeGreaterThanOrEqual(Date.now() + 110_000);
    expect(outbox.depth).toBe(1);
    await sender.stop(10);
  });

  it('enrols again at most once an hour after its token is refused', async () => {
    const collector = new FakeCollector();
    const { outbox, sender, session, enqueue } = await setup(collector, {
      enrollSecret: 'secret',
      enrolledAgoMs: 10 * 60_000,
      retryMs: 5,
    });
    collector.tokens.delete('token-1');
    enqueue(collect());
    const error = await sender.kick();
    expect(error?.message).toMatch(/at most once an hour/);
    expect(collector.enrolments).toBe(0);
    expect(session.credentials?.agentToken).toBe('token-1');
    expect(sender.state.retryAt).toBeGreaterThanOrEqual(Date.now() + 49 * 60_000);
    expect(outbox.depth).toBe(1);
    await sender.stop(10);
  });

  it('never enrols again for a token refused before it was ever accepted (a proxy strips it)', async () => {
    const collector = new FakeCollector();
    const { outbox, sender, enqueue } = await setup(collector, {
      enrollSecret: 'secret',
      confirmed: false,
      retryMs: 5,
    });
    collector.tokens.delete('token-1');
    enqueue(collect());
    const error = await sender.kick();
    expect(error?.message).toMatch(/drops the Authorization header/);
    expect(collector.enrolments).toBe(0);
    expect(outbox.depth).toBe(1);
    await sender.stop(10);
  });

  it('records a token as accepted once a delivery goes through', async () => {
    const collector = new FakeCollector();
    const { sender, session, enqueue } = await setup(collector, { confirmed: false });
    enqueue(collect());
    await sender.kick();
    expect(session.credentials?.confirmed).toBe(true);
    expect((await loadCredentials(dir))?.confirmed).toBe(true);
  });

  it('keeps and resends a snapshot the collector (or a proxy) throttles with 429', async () => {
    const collector = new FakeCollector();
    const { outbox, sender, enqueue } = await setup(collector);
    collector.failures = [new CollectorError('slow down', 'refused', 429)];
    const a = collect();
    enqueue(a);
    await sender.kick();
    await until(() => collector.stored.length === 1);
    expect(collector.stored.map((s) => s.snapshotId)).toEqual([a.snapshotId]);
    expect(outbox.depth).toBe(0);
  });

  it('falls back to full snapshots with a collector that has no delta route', async () => {
    const collector = new FakeCollector();
    collector.deltaRoute = false;
    const { outbox, sender, enqueue } = await setup(collector);
    enqueue(collect());
    await sender.kick();
    enqueue(collect(['x']));
    await sender.kick();
    expect(outbox.deltasSupported).toBe(false);
    expect(outbox.enqueue(collect(['y']), { fullEveryMs: 86_400_000, now: clock }).entry.kind).toBe('full');
    expect(collector.stored).toHaveLength(2);
  });

  it('abandons a send that hangs past the grace period on stop; the snapshot stays queued', async () => {
    const collector = new FakeCollector();
    const { outbox, sender, enqueue } = await setup(collector);
    collector.failures = ['hang'];
    enqueue(collect());
    void sender.kick();
    await until(() => collector.received.length === 1);
    const started = Date.now();
    await sender.stop(50);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(outbox.depth).toBe(1);
    expect(outbox.inFlight).toBeUndefined();
  });
});

describe('backoffDelay', () => {
  it('doubles up to the ceiling and draws from its upper half', () => {
    expect(backoffDelay(0, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffDelay(0, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffDelay(3, 1000, 60_000, () => 1)).toBe(8000);
    expect(backoffDelay(20, 1000, 60_000, () => 0)).toBe(30_000);
    expect(backoffDelay(1000, 1000, 60_000, () => 1)).toBe(60_000);
  });
});
