import type { FindingEventKind, FindingRefKind, FindingStatus } from '@stocktake/shared/api';
import { asc, count, eq, inArray, ne, type SQL, sql } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import { FindingTransitionError } from '../../../domain/findings/errors.ts';
import type { Action, OpenReason, StoredFinding } from '../../../domain/findings/lifecycle.ts';
import type {
  Finding,
  FindingEvent,
  FindingStore,
  OpenedFinding,
  StatusChange,
} from '../../../domain/findings/ports.ts';
import type { Candidate } from '../../../domain/findings/rule.ts';
import { severityRank } from '../../../domain/findings/severity.ts';
import { writeAudit } from '../audit/audit-repository.ts';
import type { Db, Executor, Tx } from '../connection.ts';
import { findingEvents, findingRefs, findings } from '../schema/index.ts';

/** The author of transitions a reconciliation run makes. */
export const RECONCILIATION_ACTOR = 'reconciliation';

type Row = typeof findings.$inferSelect;
type Ref = { kind: FindingRefKind; id: string };

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function fromRow(row: Row, refs: Ref[]): Finding {
  const evidence = row.evidence as { facts?: Record<string, unknown>; observed?: Record<string, unknown> };
  return {
    id: row.id,
    type: row.type,
    severity: row.severity,
    status: row.status,
    subject: { kind: row.subjectKind, id: row.subjectId, subKey: row.subKey === '' ? null : row.subKey },
    summary: row.summary,
    evidence: { facts: evidence.facts ?? {}, observed: evidence.observed ?? {} },
    firstSeenAt: row.firstSeenAt.toISOString(),
    openedAt: row.openedAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    resolvedAt: iso(row.resolvedAt),
    occurrences: row.occurrences,
    snoozedUntil: iso(row.snoozedUntil),
    statusChangedAt: row.statusChangedAt.toISOString(),
    statusChangedBy: row.statusChangedBy,
    statusComment: row.statusComment,
    refs,
  };
}

const evidenceOf = (c: Candidate) => ({ facts: c.facts, observed: c.observed ?? {} });

interface EventInput {
  findingId: number;
  at: Date;
  kind: FindingEventKind;
  actor: string;
  runId?: number | null;
  fromStatus: FindingStatus | null;
  toStatus: FindingStatus;
  summary?: string | null;
  evidenceHash?: string | null;
  comment?: string | null;
  snoozedUntil?: Date | null;
}

async function event(tx: Executor, e: EventInput): Promise<void> {
  await tx.insert(findingEvents).values({
    runId: null,
    summary: null,
    evidenceHash: null,
    comment: null,
    snoozedUntil: null,
    ...e,
  });
}

async function refsOf(tx: Executor, ids: number[]): Promise<Map<number, Ref[]>> {
  const out = new Map<number, Ref[]>();
  if (ids.length === 0) return out;
  const rows = await tx
    .select()
    .from(findingRefs)
    .where(inArray(findingRefs.findingId, ids))
    .orderBy(asc(findingRefs.refKind), asc(findingRefs.refId));
  for (const r of rows) {
    const list = out.get(r.findingId) ?? [];
    list.push({ kind: r.refKind, id: r.refId });
    out.set(r.findingId, list);
  }
  return out;
}

/** Findings as the API shows them, from their rows and one query for their refs. */
export async function findingsFromRows(tx: Executor, rows: Row[]): Promise<Finding[]> {
  const refs = await refsOf(
    tx,
    rows.map((r) => r.id),
  );
  return rows.map((r) => fromRow(r, refs.get(r.id) ?? []));
}

async function get(tx: Executor, id: number): Promise<Finding | undefined> {
  const [row] = await tx.select().from(findings).where(eq(findings.id, id));
  return row ? fromRow(row, (await refsOf(tx, [id])).get(id) ?? []) : undefined;
}

/** Rows a multi-row statement carries at most: well under the protocol's 65,535 parameters for any of these tables. */
const ROWS_PER_STATEMENT = 1000;

function* chunks<T>(items: readonly T[], size = ROWS_PER_STATEMENT): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

type RewriteOp = Extract<Action, { op: 'recur' | 'return' | 'refresh' }>['op'];

/**
 * What a rewrite sets besides the candidate's evidence, per kind of action: a recurrence
 * reopens the row and counts it, a return reopens it, a refresh only records the evidence.
 */
const REWRITE_EXTRA: Record<RewriteOp, SQL> = {
  recur: sql`, status = 'open', opened_at = v.at, resolved_at = null, snoozed_until = null,
    status_changed_at = v.at, status_changed_by = v.actor, status_comment = null, occurrences = f.occurrences + 1`,
  return: sql`, status = 'open', snoozed_until = null, status_changed_at = v.at, status_changed_by = v.actor,
    status_comment = null`,
  refresh: sql``,
};

/**
 * Rewrites findings from their candidates (evidence, summary, severity, seen now) in one
 * statement per chunk, the candidates' values unnested into rows.
 */
async function rewriteAll(
  tx: Executor,
  op: RewriteOp,
  rows: readonly { id: number; candidate: Candidate; hash: string }[],
  at: Date,
  runId: number,
): Promise<void> {
  for (const part of chunks(rows)) {
    const column = <T>(f: (r: (typeof part)[number]) => T) => sql.param(part.map(f));
    await tx.execute(sql`
      update findings f set severity = v.severity, severity_rank = v.severity_rank, summary = v.summary,
        evidence = v.evidence::json, evidence_hash = v.evidence_hash, last_seen_at = v.at, last_run_id = v.run_id
        ${REWRITE_EXTRA[op]}
      from (
        select u.*, ${at.toISOString()}::timestamptz as at, ${runId}::int as run_id, ${RECONCILIATION_ACTOR}::text as actor
        from unnest(${column((r) => r.id)}::int[], ${column((r) => r.candidate.severity)}::text[],
          ${column((r) => severityRank(r.candidate.severity))}::int[], ${column((r) => r.candidate.summary)}::text[],
          ${column((r) => JSON.stringify(evidenceOf(r.candidate)))}::text[], ${column((r) => r.hash)}::text[])
          as u(id, severity, severity_rank, summary, evidence, evidence_hash)
      ) v
      where f.id = v.id`);
  }
}

/** Runs `set` on the findings with these ids, a chunk of ids a statement. */
async function updateEach(tx: Executor, ids: readonly number[], set: PgUpdateSetSource<typeof findings>) {
  for (const part of chunks(ids, 10 * ROWS_PER_STATEMENT)) {
    await tx
      .update(findings)
      .set(set)
      .where(sql`${findings.id} = any(${idArray(part)})`);
  }
}

const idArray = (ids: readonly number[]) => sql`${`{${ids.join(',')}}`}::int[]`;

/**
 * A run's plan, written in the caller's transaction; the findings that became open, for
 * notifications. A plan can touch every finding of a large fleet, so the writes go as a few
 * statements per kind of action rather than one per finding: the new rows (their ids read back by
 * their key), the rewrites, the touches and resolutions by id, the refs replaced, then the events
 * in the order of the plan, as one statement a finding would have written them.
 */
async function applyPlan(tx: Tx, actions: readonly Action[], now: Date, runId: number): Promise<OpenedFinding[]> {
  const at = now;
  const actor = RECONCILIATION_ACTOR;
  const newIds = await insertNew(
    tx,
    actions.flatMap((a) => (a.op === 'insert' ? [a] : [])),
    at,
    runId,
  );
  const idOf = (a: Action): number => {
    if (a.op !== 'insert') return a.id;
    const id = newIds.get(findingKey(a.candidate));
    if (id === undefined) throw new Error('finding insert returned no id');
    return id;
  };

  for (const op of ['recur', 'return', 'refresh'] as const) {
    const rows = actions.flatMap((a) => (a.op === op ? [a] : []));
    if (rows.length > 0) await rewriteAll(tx, op, rows, at, runId);
  }
  await updateEach(
    tx,
    actions.flatMap((a) => (a.op === 'touch' ? [a.id] : [])),
    { lastSeenAt: at, lastRunId: runId },
  );
  await updateEach(
    tx,
    actions.flatMap((a) => (a.op === 'resolve' ? [a.id] : [])),
    {
      status: 'resolved',
      resolvedAt: at,
      snoozedUntil: null,
      statusChangedAt: at,
      statusChangedBy: actor,
      statusComment: null,
      lastRunId: runId,
    },
  );

  // Refs: a recurrence, and a return or refresh with changed evidence, replace the finding's refs.
  const replaced = actions.flatMap((a) =>
    a.op === 'recur' || ((a.op === 'return' || a.op === 'refresh') && a.evidenceChanged) ? [a] : [],
  );
  for (const part of chunks(
    replaced.map((a) => a.id),
    10 * ROWS_PER_STATEMENT,
  )) {
    await tx.delete(findingRefs).where(sql`${findingRefs.findingId} = any(${idArray(part)})`);
  }
  const refRows = [...actions.filter((a) => a.op === 'insert'), ...replaced].flatMap((a) =>
    a.candidate.refs.map((r) => ({ findingId: idOf(a), refKind: r.kind, refId: r.id })),
  );
  for (const part of chunks(refRows)) await tx.insert(findingRefs).values(part).onConflictDoNothing();

  const events: (typeof findingEvents.$inferInsert)[] = [];
  const opened: OpenedFinding[] = [];
  const note = (id: number, c: Candidate, reason: OpenReason) =>
    opened.push({
      id,
      type: c.type,
      severity: c.severity,
      subject: { kind: c.subjectKind, id: c.subjectId, subKey: c.subKey === '' ? null : c.subKey },
      summary: c.summary,
      facts: c.facts,
      reason,
    });
  const base = { at, actor, runId, comment: null, snoozedUntil: null };
  for (const a of actions) {
    switch (a.op) {
      case 'insert': {
        const id = idOf(a);
        events.push({
          ...base,
          findingId: id,
          kind: 'opened',
          fromStatus: null,
          toStatus: 'open',
          summary: a.candidate.summary,
          evidenceHash: a.hash,
        });
        note(id, a.candidate, 'new');
        break;
      }
      case 'recur':
        events.push({
          ...base,
          findingId: a.id,
          kind: 'recurred',
          fromStatus: 'resolved',
          toStatus: 'open',
          summary: a.candidate.summary,
          evidenceHash: a.hash,
        });
        note(a.id, a.candidate, 'recurred');
        break;
      case 'return':
        events.push({
          ...base,
          findingId: a.id,
          kind: a.reason,
          fromStatus: a.from,
          toStatus: 'open',
          summary: a.candidate.summary,
          evidenceHash: a.hash,
        });
        note(a.id, a.candidate, a.reason);
        break;
      case 'refresh':
        if (a.evidenceChanged) {
          events.push({
            ...base,
            findingId: a.id,
            kind: 'evidence_changed',
            fromStatus: a.status,
            toStatus: a.status,
            summary: a.candidate.summary,
            evidenceHash: a.hash,
          });
        }
        break;
      case 'resolve':
        events.push({
          ...base,
          findingId: a.id,
          kind: 'resolved',
          fromStatus: a.from,
          toStatus: 'resolved',
          summary: null,
          evidenceHash: null,
        });
        break;
      case 'touch':
        break;
    }
  }
  for (const part of chunks(events)) await tx.insert(findingEvents).values(part);
  return opened;
}

const findingKey = (c: Pick<Candidate, 'type' | 'subjectId' | 'subKey'>) =>
  `${c.type}\u0000${c.subjectId}\u0000${c.subKey}`;

/** The new findings' rows, in the plan's order; their ids by key (type, subject, sub-key), which is unique. */
async function insertNew(
  tx: Tx,
  inserts: readonly Extract<Action, { op: 'insert' }>[],
  at: Date,
  runId: number,
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const part of chunks(inserts)) {
    const rows = await tx
      .insert(findings)
      .values(
        part.map(({ candidate: c, hash }) => ({
          type: c.type,
          subjectKind: c.subjectKind,
          subjectId: c.subjectId,
          subKey: c.subKey,
          severity: c.severity,
          severityRank: severityRank(c.severity),
          status: 'open' as const,
          summary: c.summary,
          evidence: evidenceOf(c),
          evidenceHash: hash,
          firstSeenAt: at,
          openedAt: at,
          lastSeenAt: at,
          statusChangedAt: at,
          statusChangedBy: RECONCILIATION_ACTOR,
          lastRunId: runId,
        })),
      )
      .returning({ id: findings.id, type: findings.type, subjectId: findings.subjectId, subKey: findings.subKey });
    for (const r of rows) ids.set(findingKey(r), r.id);
  }
  return ids;
}

/** The status a person's change leads to, refused when it cannot be made now. */
function nextStatus(
  change: StatusChange,
  now: Date,
): { next: FindingStatus; kind: FindingEventKind; until: Date | null } {
  switch (change.action) {
    case 'acknowledge':
      return { next: 'acknowledged', kind: 'acknowledged', until: null };
    case 'snooze': {
      if (!change.until || Number.isNaN(Date.parse(change.until))) {
        throw new FindingTransitionError('Snoozing needs `until`, a date-time');
      }
      if (Date.parse(change.until) <= now.getTime()) {
        throw new FindingTransitionError(`Snooze until ${change.until} is not in the future`);
      }
      return { next: 'snoozed', kind: 'snoozed', until: new Date(change.until) };
    }
    default:
      return { next: 'open', kind: 'reopened', until: null };
  }
}

/**
 * Findings and their history on PostgreSQL: what runs write (one transaction per run) and what
 * people change.
 */
export function createFindingsRepository(db: Db): FindingStore {
  return {
    get: (id) => get(db, id),

    /** Every stored finding, resolved ones included (a condition that comes back reopens its row). */
    async stored(): Promise<StoredFinding[]> {
      const rows = await db
        .select({
          id: findings.id,
          type: findings.type,
          subjectId: findings.subjectId,
          subKey: findings.subKey,
          status: findings.status,
          severity: findings.severity,
          evidenceHash: findings.evidenceHash,
          snoozedUntil: findings.snoozedUntil,
          summary: findings.summary,
          observedJson: sql<string>`coalesce((${findings.evidence} -> 'observed')::text, '{}')`,
        })
        .from(findings);
      return rows.map((r) => ({ ...r, snoozedUntil: iso(r.snoozedUntil) }));
    },

    /** Writes a run's plan in one transaction; returns the findings that became open, for notifications. */
    async apply(actions, now, runId) {
      return db.transaction((tx) => applyPlan(tx, actions, now, runId));
    },

    async events(findingId: number): Promise<FindingEvent[]> {
      const rows = await db
        .select({
          id: findingEvents.id,
          at: findingEvents.at,
          kind: findingEvents.kind,
          actor: findingEvents.actor,
          runId: findingEvents.runId,
          fromStatus: findingEvents.fromStatus,
          toStatus: findingEvents.toStatus,
          summary: findingEvents.summary,
          comment: findingEvents.comment,
          snoozedUntil: findingEvents.snoozedUntil,
        })
        .from(findingEvents)
        .where(eq(findingEvents.findingId, findingId))
        .orderBy(asc(findingEvents.id));
      return rows.map((r) => ({ ...r, at: r.at.toISOString(), snoozedUntil: iso(r.snoozedUntil) }));
    },

    /**
     * A person acknowledges, snoozes or reopens a finding, with a comment; recorded in the
     * finding's history and the audit log. A resolved finding cannot be changed: it reopens
     * by itself if its condition comes back. The row is locked, so a run resolving it at the
     * same moment waits or is waited for.
     */
    async changeStatus(id, change, actor, now = new Date()) {
      return db.transaction(async (tx) => {
        const [row] = await tx.select().from(findings).where(eq(findings.id, id)).for('update');
        if (!row) return undefined;
        if (row.status === 'resolved') {
          throw new FindingTransitionError(
            `Finding ${id} is resolved; it reopens by itself if its condition holds again`,
          );
        }
        const { next, kind, until } = nextStatus(change, now);
        const sameUntil = (until?.getTime() ?? null) === (row.snoozedUntil?.getTime() ?? null);
        if (next === row.status && sameUntil && change.comment === undefined) return get(tx, id);
        await tx
          .update(findings)
          .set({
            status: next,
            snoozedUntil: until,
            statusChangedAt: now,
            statusChangedBy: actor,
            statusComment: change.comment ?? null,
          })
          .where(eq(findings.id, id));
        await event(tx, {
          findingId: id,
          at: now,
          kind,
          actor,
          fromStatus: row.status,
          toStatus: next,
          comment: change.comment ?? null,
          snoozedUntil: until,
          evidenceHash: row.evidenceHash,
        });
        await writeAudit(tx, {
          at: now,
          actor,
          entityType: 'finding',
          entityId: String(id),
          action: 'status',
          before: { status: row.status, snoozedUntil: iso(row.snoozedUntil) },
          after: { status: next, snoozedUntil: iso(until) },
          context: `${row.type} ${row.subjectId}${change.comment ? `: ${change.comment}` : ''}`,
        });
        return get(tx, id);
      });
    },

    async activeCounts() {
      return db
        .select({ type: findings.type, severity: findings.severity, status: findings.status, count: count() })
        .from(findings)
        .where(ne(findings.status, 'resolved'))
        .groupBy(findings.type, findings.severity, findings.status)
        .orderBy(asc(findings.type), asc(findings.severity), asc(findings.status));
    },
  };
}
