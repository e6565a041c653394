import type { FindingEventKind, FindingRefKind, FindingStatus } from '@stocktake/shared/api';
import { asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { SQLiteUpdateSetSource } from 'drizzle-orm/sqlite-core';
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
import type { AuditLog } from '../audit/audit-repository.ts';
import type { Db } from '../open-database.ts';
import { findingEvents, findingRefs, findings } from '../schema/index.ts';

export type { Finding };

/** The author of transitions a reconciliation run makes. */
export const RECONCILIATION_ACTOR = 'reconciliation';

export type FindingRow = typeof findings.$inferSelect;
type Row = FindingRow;

function fromRow(row: Row, refs: { kind: FindingRefKind; id: string }[]): Finding {
  const evidence = row.evidence as { facts?: Record<string, unknown>; observed?: Record<string, unknown> };
  return {
    id: row.id,
    type: row.type,
    severity: row.severity,
    status: row.status,
    subject: { kind: row.subjectKind, id: row.subjectId, subKey: row.subKey === '' ? null : row.subKey },
    summary: row.summary,
    evidence: { facts: evidence.facts ?? {}, observed: evidence.observed ?? {} },
    firstSeenAt: row.firstSeenAt,
    openedAt: row.openedAt,
    lastSeenAt: row.lastSeenAt,
    resolvedAt: row.resolvedAt,
    occurrences: row.occurrences,
    snoozedUntil: row.snoozedUntil,
    statusChangedAt: row.statusChangedAt,
    statusChangedBy: row.statusChangedBy,
    statusComment: row.statusComment,
    refs,
  };
}

const evidenceOf = (c: Candidate) => ({ facts: c.facts, observed: c.observed ?? {} });

/** The findings store, and what the SQLite list queries need of it: rows as findings. */
export interface FindingsRepository extends FindingStore {
  fromRows(rows: FindingRow[]): Finding[];
}

/** Findings and their history: what runs write (one transaction per run) and what people change. */
export function createFindingsRepository(db: Db, audit: AuditLog): FindingsRepository {
  const insertFinding = db
    .insert(findings)
    .values({
      type: sql.placeholder('type'),
      subjectKind: sql.placeholder('subjectKind'),
      subjectId: sql.placeholder('subjectId'),
      subKey: sql.placeholder('subKey'),
      severity: sql.placeholder('severity'),
      severityRank: sql.placeholder('severityRank'),
      status: 'open',
      summary: sql.placeholder('summary'),
      evidence: sql.placeholder('evidence'),
      evidenceHash: sql.placeholder('evidenceHash'),
      firstSeenAt: sql.placeholder('now'),
      openedAt: sql.placeholder('now'),
      lastSeenAt: sql.placeholder('now'),
      statusChangedAt: sql.placeholder('now'),
      statusChangedBy: RECONCILIATION_ACTOR,
      lastRunId: sql.placeholder('runId'),
    })
    .returning({ id: findings.id })
    .prepare();

  const touch = db
    .update(findings)
    .set({ lastSeenAt: sql`${sql.placeholder('now')}`, lastRunId: sql`${sql.placeholder('runId')}` })
    .where(eq(findings.id, sql.placeholder('id')))
    .prepare();

  const insertEvent = db
    .insert(findingEvents)
    .values({
      findingId: sql.placeholder('findingId'),
      at: sql.placeholder('at'),
      kind: sql.placeholder('kind'),
      actor: sql.placeholder('actor'),
      runId: sql.placeholder('runId'),
      fromStatus: sql.placeholder('fromStatus'),
      toStatus: sql.placeholder('toStatus'),
      summary: sql.placeholder('summary'),
      evidenceHash: sql.placeholder('evidenceHash'),
      comment: sql.placeholder('comment'),
      snoozedUntil: sql.placeholder('snoozedUntil'),
    })
    .prepare();

  const insertRef = db
    .insert(findingRefs)
    .values({
      findingId: sql.placeholder('findingId'),
      refKind: sql.placeholder('refKind'),
      refId: sql.placeholder('refId'),
    })
    .onConflictDoNothing()
    .prepare();

  const deleteRefs = db
    .delete(findingRefs)
    .where(eq(findingRefs.findingId, sql.placeholder('findingId')))
    .prepare();

  function event(e: {
    findingId: number;
    at: string;
    kind: FindingEventKind;
    actor: string;
    runId?: number | null;
    fromStatus: FindingStatus | null;
    toStatus: FindingStatus;
    summary?: string | null;
    evidenceHash?: string | null;
    comment?: string | null;
    snoozedUntil?: string | null;
  }): void {
    insertEvent.run({
      runId: null,
      summary: null,
      evidenceHash: null,
      comment: null,
      snoozedUntil: null,
      ...e,
    });
  }

  function writeRefs(findingId: number, c: Candidate, replace: boolean): void {
    if (replace) deleteRefs.run({ findingId });
    for (const r of c.refs) insertRef.run({ findingId, refKind: r.kind, refId: r.id });
  }

  /** Rewrites a finding from a candidate: evidence, summary, severity, seen now, and `extra` columns. */
  function rewrite(
    id: number,
    c: Candidate,
    hash: string,
    at: string,
    runId: number,
    extra: SQLiteUpdateSetSource<typeof findings>,
  ): void {
    db.update(findings)
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
      .where(eq(findings.id, id))
      .run();
  }

  function refsOf(ids: number[]): Map<number, { kind: FindingRefKind; id: string }[]> {
    const out = new Map<number, { kind: FindingRefKind; id: string }[]>();
    if (ids.length === 0) return out;
    for (const r of db
      .select()
      .from(findingRefs)
      .where(inArray(findingRefs.findingId, ids))
      .orderBy(asc(findingRefs.refKind), asc(findingRefs.refId))
      .all()) {
      const list = out.get(r.findingId) ?? [];
      list.push({ kind: r.refKind, id: r.refId });
      out.set(r.findingId, list);
    }
    return out;
  }

  function get(id: number): Finding | undefined {
    const row = db.select().from(findings).where(eq(findings.id, id)).get();
    return row ? fromRow(row, refsOf([id]).get(id) ?? []) : undefined;
  }

  return {
    get: async (id) => get(id),

    /** Rows as findings, with their refs read in one query (for lists). */
    fromRows(rows: Row[]): Finding[] {
      const refs = refsOf(rows.map((r) => r.id));
      return rows.map((r) => fromRow(r, refs.get(r.id) ?? []));
    },

    /** Every stored finding, resolved ones included (a condition that comes back reopens its row). */
    async stored(): Promise<StoredFinding[]> {
      return db
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
          observedJson: sql<string>`coalesce(json_extract(${findings.evidence}, '$.observed'), '{}')`,
        })
        .from(findings)
        .all();
    },

    /** Writes a run's plan in one transaction; returns the findings that became open, for notifications. */
    async apply(actions, now, runId) {
      return db.transaction(() => applyPlan(actions, now, runId));
    },

    async events(findingId: number): Promise<FindingEvent[]> {
      return events(findingId);
    },

    async changeStatus(id, change, actor, now = new Date()) {
      return changeStatus(id, change, actor, now);
    },

    async activeCounts() {
      return activeCounts();
    },
  };

  function applyPlan(actions: readonly Action[], now: Date, runId: number): OpenedFinding[] {
    const at = now.toISOString();
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
          touch.run({ id: a.id, now: at, runId });
          break;
        case 'insert': {
          const c = a.candidate;
          const row = insertFinding.get({
            type: c.type,
            subjectKind: c.subjectKind,
            subjectId: c.subjectId,
            subKey: c.subKey,
            severity: c.severity,
            severityRank: severityRank(c.severity),
            summary: c.summary,
            evidence: evidenceOf(c),
            evidenceHash: a.hash,
            now: at,
            runId,
          });
          if (!row) throw new Error('finding insert returned no id');
          writeRefs(row.id, c, false);
          event({
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
          rewrite(a.id, a.candidate, a.hash, at, runId, {
            status: 'open',
            openedAt: at,
            resolvedAt: null,
            snoozedUntil: null,
            statusChangedAt: at,
            statusChangedBy: actor,
            statusComment: null,
            occurrences: sql`${findings.occurrences} + 1`,
          });
          writeRefs(a.id, a.candidate, true);
          event({
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
          rewrite(a.id, a.candidate, a.hash, at, runId, {
            status: 'open',
            snoozedUntil: null,
            statusChangedAt: at,
            statusChangedBy: actor,
            statusComment: null,
          });
          if (a.evidenceChanged) writeRefs(a.id, a.candidate, true);
          event({
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
          rewrite(a.id, a.candidate, a.hash, at, runId, {});
          if (a.evidenceChanged) {
            writeRefs(a.id, a.candidate, true);
            event({
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
          db.update(findings)
            .set({
              status: 'resolved',
              resolvedAt: at,
              snoozedUntil: null,
              statusChangedAt: at,
              statusChangedBy: actor,
              statusComment: null,
              lastRunId: runId,
            })
            .where(eq(findings.id, a.id))
            .run();
          event({ findingId: a.id, at, kind: 'resolved', actor, runId, fromStatus: a.from, toStatus: 'resolved' });
          break;
        }
      }
    }
    return opened;
  }

  function events(findingId: number): FindingEvent[] {
    return db
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
      .orderBy(asc(findingEvents.id))
      .all();
  }

  /**
   * A person acknowledges, snoozes or reopens a finding, with a comment; recorded in the
   * finding's history and the audit log. A resolved finding cannot be changed: it reopens
   * by itself if its condition comes back.
   */
  function changeStatus(id: number, change: StatusChange, actor: string, now: Date): Finding | undefined {
    return db.transaction(() => {
      const row = db.select().from(findings).where(eq(findings.id, id)).get();
      if (!row) return undefined;
      if (row.status === 'resolved') {
        throw new FindingTransitionError(
          `Finding ${id} is resolved; it reopens by itself if its condition holds again`,
        );
      }
      const at = now.toISOString();
      let next: FindingStatus;
      let until: string | null = null;
      let kind: FindingEventKind;
      switch (change.action) {
        case 'acknowledge':
          next = 'acknowledged';
          kind = 'acknowledged';
          break;
        case 'snooze': {
          if (!change.until || Number.isNaN(Date.parse(change.until))) {
            throw new FindingTransitionError('Snoozing needs `until`, a date-time');
          }
          if (Date.parse(change.until) <= now.getTime()) {
            throw new FindingTransitionError(`Snooze until ${change.until} is not in the future`);
          }
          next = 'snoozed';
          kind = 'snoozed';
          until = new Date(change.until).toISOString();
          break;
        }
        default:
          next = 'open';
          kind = 'reopened';
      }
      if (next === row.status && until === row.snoozedUntil && change.comment === undefined) return get(id);
      db.update(findings)
        .set({
          status: next,
          snoozedUntil: until,
          statusChangedAt: at,
          statusChangedBy: actor,
          statusComment: change.comment ?? null,
        })
        .where(eq(findings.id, id))
        .run();
      event({
        findingId: id,
        at,
        kind,
        actor,
        fromStatus: row.status,
        toStatus: next,
        comment: change.comment ?? null,
        snoozedUntil: until,
        evidenceHash: row.evidenceHash,
      });
      audit.write({
        at: now,
        actor,
        entityType: 'finding',
        entityId: String(id),
        action: 'status',
        before: { status: row.status, snoozedUntil: row.snoozedUntil },
        after: { status: next, snoozedUntil: until },
        context: `${row.type} ${row.subjectId}${change.comment ? `: ${change.comment}` : ''}`,
      });
      return get(id);
    });
  }

  function activeCounts() {
    return db
      .select({
        type: findings.type,
        severity: findings.severity,
        status: findings.status,
        count: sql<number>`count(*)`,
      })
      .from(findings)
      .where(ne(findings.status, 'resolved'))
      .groupBy(findings.type, findings.severity, findings.status)
      .orderBy(asc(findings.type), asc(findings.severity), asc(findings.status))
      .all();
  }
}
