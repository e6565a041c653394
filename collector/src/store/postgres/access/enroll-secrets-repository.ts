import { randomBytes } from 'node:crypto';
import type { EnrollSecretOrigin } from '@stocktake/shared/api';
import { and, asc, eq, isNull, ne, sql } from 'drizzle-orm';
import type { EnrollSecret, EnrollSecretRotation, EnrollSecrets } from '../../../domain/access/ports.ts';
import { hashToken } from '../../../domain/access/tokens.ts';
import { NotFoundError } from '../../../domain/errors.ts';
import { writeAudit } from '../audit/audit-repository.ts';
import type { Db, Executor } from '../connection.ts';
import { enrollSecrets } from '../schema/index.ts';

/** Who writes the configured secret into the list: the collector at start. */
export const CONFIG_ACTOR = 'config';

/**
 * Any fixed number: the transaction-level advisory lock that keeps the configured secret's sync
 * one at a time, so instances starting together over one database add it once.
 */
const SYNC_LOCK = 0x5374_6b45;

type Row = typeof enrollSecrets.$inferSelect;

const toSecret = (r: Row): EnrollSecret => ({
  id: r.id,
  origin: r.origin,
  fingerprint: r.secretHash.slice(0, 8),
  createdAt: r.createdAt.toISOString(),
  createdBy: r.createdBy,
  revokedAt: r.revokedAt ? r.revokedAt.toISOString() : null,
  revokedBy: r.revokedBy,
});

async function revokeRow(tx: Executor, row: Row, actor: string, now: Date, context?: string): Promise<void> {
  await tx.update(enrollSecrets).set({ revokedAt: now, revokedBy: actor }).where(eq(enrollSecrets.id, row.id));
  await writeAudit(tx, {
    at: now,
    actor,
    entityType: 'enroll_secret',
    entityId: String(row.id),
    action: 'revoke',
    before: { origin: row.origin, fingerprint: row.secretHash.slice(0, 8) },
    ...(context ? { context } : {}),
  });
}

async function insert(tx: Executor, secret: string, origin: EnrollSecretOrigin, actor: string, now: Date) {
  const [row] = await tx
    .insert(enrollSecrets)
    .values({ secretHash: hashToken(secret), origin, createdAt: now, createdBy: actor })
    .returning();
  if (!row) throw new Error('the new enroll secret was not returned');
  await writeAudit(tx, {
    at: now,
    actor,
    entityType: 'enroll_secret',
    entityId: String(row.id),
    action: 'create',
    after: { origin, fingerprint: row.secretHash.slice(0, 8) },
  });
  return row;
}

/**
 * Enroll secrets on PostgreSQL: the one the collector is configured with (kept in step with the
 * configuration at every start) and those made by `rotate`. Any live one enrols an agent.
 */
export function createEnrollSecretsRepository(db: Db): EnrollSecrets {
  // Every enrolment asks: prepared once per connection, by name.
  const liveByHash = db
    .select({ id: enrollSecrets.id })
    .from(enrollSecrets)
    .where(and(eq(enrollSecrets.secretHash, sql.placeholder('hash')), isNull(enrollSecrets.revokedAt)))
    .prepare('enroll_secret_live_by_hash');

  return {
    /**
     * Brings the configured secret into the list. A different configured secret than last
     * time replaces the previous one (revoked); one revoked by hand stays revoked, so
     * restarting with an old flag cannot bring it back. Returns whether it enrols.
     */
    async syncConfigured(secret: string, now = new Date()) {
      return db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(${SYNC_LOCK})`);
        const hash = hashToken(secret);
        const [existing] = await tx.select().from(enrollSecrets).where(eq(enrollSecrets.secretHash, hash));
        if (existing) return { live: existing.revokedAt === null, changed: false };
        const previous = await tx
          .select()
          .from(enrollSecrets)
          .where(and(eq(enrollSecrets.origin, 'config'), isNull(enrollSecrets.revokedAt)));
        for (const p of previous) await revokeRow(tx, p, CONFIG_ACTOR, now, 'replaced by the configured secret');
        await insert(tx, secret, 'config', CONFIG_ACTOR, now);
        return { live: true, changed: true };
      });
    },

    /** Whether this secret is a live one (compared by hash: no timing to learn from). */
    async accepts(secret: string) {
      return (await liveByHash.execute({ hash: hashToken(secret) })).length > 0;
    },

    async list(options: { includeRevoked?: boolean } = {}) {
      const rows = await db
        .select()
        .from(enrollSecrets)
        .where(options.includeRevoked ? undefined : isNull(enrollSecrets.revokedAt))
        .orderBy(asc(enrollSecrets.id));
      return rows.map(toSecret);
    },

    /**
     * Makes a new secret (returned once) and, unless `keepPrevious`, revokes every other live
     * one. Agents already enrolled keep their tokens either way; only new enrolments need it.
     */
    async rotate(
      actor: string,
      options: { keepPrevious?: boolean } = {},
      now = new Date(),
    ): Promise<EnrollSecretRotation> {
      const secret = randomBytes(24).toString('base64url');
      return db.transaction(async (tx) => {
        const row = await insert(tx, secret, 'managed', actor, now);
        const revoked: EnrollSecret[] = [];
        if (!options.keepPrevious) {
          const others = await tx
            .select()
            .from(enrollSecrets)
            .where(and(isNull(enrollSecrets.revokedAt), ne(enrollSecrets.id, row.id)))
            .for('update');
          for (const o of others) {
            await revokeRow(tx, o, actor, now, `rotated: replaced by ${row.id}`);
            revoked.push(toSecret({ ...o, revokedAt: now, revokedBy: actor }));
          }
        }
        return { secret, created: toSecret(row), revoked };
      });
    },

    /** Revokes a live secret by id, or by its fingerprint (or a longer prefix of its hash). */
    async revoke(ref: string, actor: string, now = new Date()): Promise<EnrollSecret> {
      return db.transaction(async (tx) => {
        const live = await tx.select().from(enrollSecrets).where(isNull(enrollSecrets.revokedAt)).for('update');
        const matches = live.filter(
          (r) => String(r.id) === ref || (ref.length >= 8 && r.secretHash.startsWith(ref.toLowerCase())),
        );
        const [row] = matches;
        if (!row || matches.length > 1) throw new NotFoundError(`No live enroll secret ${ref}`);
        await revokeRow(tx, row, actor, now);
        return toSecret({ ...row, revokedAt: now, revokedBy: actor });
      });
    },
  };
}
