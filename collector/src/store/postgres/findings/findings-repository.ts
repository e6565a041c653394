import type { FindingEventKind, FindingRefKind, FindingStatus } from '@stocktake/shared/api';
import { asc, count, eq, inArray, ne, sql } from 'drizzle-orm';
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

async function writeRefs(tx: Executor, findingId: number, c: Candidate, replace: boolean): Promise<void> {
  if (replace) await tx.delete(findingRefs).where(eq(findingRefs.findingId, findingId));
  if (c.refs.length === 0) return;
  await tx
    .insert(findingRefs)
    .values(c.refs.map((r) => ({ findingId, refKind: r.kind, refId: r.id })))
    .onConflictDoNothing();
}

/** Rewrites a finding from a candidate: evidence, summary, severity, seen now, and `extra` columns. */
async function rewrite(
  tx: Executor,
  id: number,
  c: Candidate,
  hash: string,
  at: Date,
  runId: number,
  extra: PgUpdateSetSource<typeof findings>,
): Promise<void> {
  await tx
    .update(findings)
    .set({
      severity: c.severity,
      severityRank: severityRank(c.severity),
      summary: c.summary,
      evidence: evidenceOf(c),
      evidenceHash: hash,
      lastSeenAt: at,
      lastRunId: runId,
      ...extra,
    })
    .where(eq(findings.id, id));
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

/** A run's plan, written in the caller's transaction; the findings that became open, for notifications. */
async function applyPlan(tx: Tx, actions: readonly Action[], now: Date, runId: number): Promise<OpenedFinding[]> {
  const at = now;
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
  const actor = RECONCILIATION_ACTOR;
  for (const a of actions) {
    switch (a.op) {
      case 'touch':
        await tx.update(findings).set({ lastSeenAt: at, lastRunId: runId }).where(eq(findings.id, a.id));
        break;
      case 'insert': {
        const c = a.candidate;
        const [row] = await tx
          .insert(findings)
          .values({
            type: c.type,
            subjectKind: c.subjectKind,
            subjectId: c.subjectId,
            subKey: c.subKey,
            severity: c.severity,
            severityRank: severityRank(c.severity),
            status: 'open',
            summary: c.summary,
            evidence: evidenceOf(c),
            evidenceHash: a.hash,
            firstSeenAt: at,
            openedAt: at,
            lastSeenAt: at,
            statusChangedAt: at,
            statusChangedBy: actor,
            lastRunId: runId,
          })
          .returning({ id: findings.id });
        if (!row) throw new Error('finding insert returned no id');
        await writeRefs(tx, row.id, c, false);
        await event(tx, {
          findingId: row.id,
          at,
          kind: 'opened',
          actor,
          runId,
          fromStatus: null,
          toStatus: 'open',
          summary: c.summary,
          evidenceHash: a.hash,
        });
        note(row.id, c, 'new');
        break;
      }
      case 'recur': {
        await rewrite(tx, a.id, a.candidate, a.hash, at, runId, {
          status: 'open',
          openedAt: at,
          resolvedAt: null,
          snoozedUntil: null,
          statusChangedAt: at,
          statusChangedBy: actor,
          statusComment: null,
          occurrences: sql`${findings.occurrences} + 1`,
        });
        await writeRefs(tx, a.id, a.candidate, true);
        await event(tx, {
          findingId: a.id,
          at,
          kind: 'recurred',
          actor,
          runId,
          fromStatus: 'resolved',
          toStatus: 'open',
          summary: a.candidate.summary,
          evidenceHash: a.hash,
        });
        note(a.id, a.candidate, 'recurred');
        break;
      }
      case 'return': {
        await rewrite(tx, a.id, a.candidate, a.hash, at, runId, {
          status: 'open',
          snoozedUntil: null,
          statusChangedAt: at,
          statusChangedBy: actor,
          statusComment: null,
        });
        if (a.evidenceChanged) await writeRefs(tx, a.id, a.candidate, true);
        await event(tx, {
          findingId: a.id,
          at,
          kind: a.reason,
          actor,
          runId,
          fromStatus: a.from,
          toStatus: 'open',
          summary: a.candidate.summary,
          evidenceHash: a.hash,
        });
        note(a.id, a.candidate, a.reason);
        break;
      }
      case 'refresh': {
        await rewrite(tx, a.id, a.candidate, a.hash, at, runId, {});
        if (a.evidenceChanged) {
          await writeRefs(tx, a.id, a.candidate, true);
          await event(tx, {
            findingId: a.id,
            at,
            kind: 'evidence_changed',
            actor,
            runId,
            fromStatus: a.status,
            toStatus: a.status,
            summary: a.candidate.summary,
            evidenceHash: a.hash,
          });
        }
        break;
      }
      case 'resolve': {
        await tx
          .update(findings)
          .set({
            status: 'resolved',
            resolvedAt: at,
            snoozedUntil: null,
            statusChangedAt: at,
            statusChangedBy: actor,
            statusComment: null,
            lastRunId: runId,
          })
          .where(eq(findings.id, a.id));
        await event(tx, {
          findingId: a.id,
          at,
          kind: 'resolved',
          actor,
          runId,
          fromStatus: a.from,
          toStatus: 'resolved',
        });
        break;
      }
    }
  }
  return opened;
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
