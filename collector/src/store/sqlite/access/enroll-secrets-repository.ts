import { randomBytes } from 'node:crypto';
import type { EnrollSecretOrigin } from '@stocktake/shared/api';
import { and, asc, eq, isNull, ne } from 'drizzle-orm';
import type { EnrollSecret, EnrollSecretRotation, EnrollSecrets } from '../../../domain/access/ports.ts';
import { hashToken } from '../../../domain/access/tokens.ts';
import { NotFoundError } from '../../../domain/errors.ts';
import type { AuditLog } from '../audit/audit-repository.ts';
import type { Db } from '../open-database.ts';
import { enrollSecrets } from '../schema/index.ts';

/** Who writes the configured secret into the list: the collector at start. */
export const CONFIG_ACTOR = 'config';

type Row = typeof enrollSecrets.$inferSelect;

const toSecret = (r: Row): EnrollSecret => ({
  id: r.id,
  origin: r.origin,
  fingerprint: r.secretHash.slice(0, 8),
  createdAt: r.createdAt,
  createdBy: r.createdBy,
  revokedAt: r.revokedAt,
  revokedBy: r.revokedBy,
});

/**
 * Enroll secrets: the one the collector is configured with (kept in step with the
 * configuration at every start) and those made by `rotate`. Any live one enrols an agent.
 */
export function createEnrollSecretsRepository(db: Db, audit: AuditLog): EnrollSecrets {
  const revokeRow = (row: Row, actor: string, now: Date, context?: string) => {
    db.update(enrollSecrets)
      .set({ revokedAt: now.toISOString(), revokedBy: actor })
      .where(eq(enrollSecrets.id, row.id))
      .run();
    audit.write({
      at: now,
      actor,
      entityType: 'enroll_secret',
      entityId: String(row.id),
      action: 'revoke',
      before: { origin: row.origin, fingerprint: row.secretHash.slice(0, 8) },
      ...(context ? { context } : {}),
    });
  };

  const insert = (secret: string, origin: EnrollSecretOrigin, actor: string, now: Date): Row => {
    const row = db
      .insert(enrollSecrets)
      .values({ secretHash: hashToken(secret), origin, createdAt: now.toISOString(), createdBy: actor })
      .returning()
      .get();
    audit.write({
      at: now,
      actor,
      entityType: 'enroll_secret',
      entityId: String(row.id),
      action: 'create',
      after: { origin, fingerprint: row.secretHash.slice(0, 8) },
    });
    return row;
  };

  return {
    /**
     * Brings the configured secret into the list. A different configured secret than last
     * time replaces the previous one (revoked); one revoked by hand stays revoked, so
     * restarting with an old flag cannot bring it back. Returns whether it enrols.
     */
    async syncConfigured(secret: string, now = new Date()) {
      return db.transaction(() => {
        const hash = hashToken(secret);
        const existing = db.select().from(enrollSecrets).where(eq(enrollSecrets.secretHash, hash)).get();
        if (existing) return { live: existing.revokedAt === null, changed: false };
        const previous = db
          .select()
          .from(enrollSecrets)
          .where(and(eq(enrollSecrets.origin, 'config'), isNull(enrollSecrets.revokedAt)))
          .all();
        for (const p of previous) revokeRow(p, CONFIG_ACTOR, now, 'replaced by the configured secret');
        insert(secret, 'config', CONFIG_ACTOR, now);
        return { live: true, changed: true };
      });
    },

    /** Whether this secret is a live one (compared by hash: no timing to learn from). */
    async accepts(secret: string) {
      return (
        db
          .select({ id: enrollSecrets.id })
          .from(enrollSecrets)
          .where(and(eq(enrollSecrets.secretHash, hashToken(secret)), isNull(enrollSecrets.revokedAt)))
          .get() !== undefined
      );
    },

    async list(options: { includeRevoked?: boolean } = {}) {
      return db
        .select()
        .from(enrollSecrets)
        .where(options.includeRevoked ? undefined : isNull(enrollSecrets.revokedAt))
        .orderBy(asc(enrollSecrets.id))
        .all()
        .map(toSecret);
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
      return db.transaction(() => {
        const row = insert(secret, 'managed', actor, now);
        const revoked: EnrollSecret[] = [];
        if (!options.keepPrevious) {
          const others = db
            .select()
            .from(enrollSecrets)
            .where(and(isNull(enrollSecrets.revokedAt), ne(enrollSecrets.id, row.id)))
            .all();
          for (const o of others) {
            revokeRow(o, actor, now, `rotated: replaced by ${row.id}`);
            revoked.push(toSecret({ ...o, revokedAt: now.toISOString(), revokedBy: actor }));
          }
        }
        return { secret, created: toSecret(row), revoked };
      });
    },

    /** Revokes a live secret by id, or by its fingerprint (or a longer prefix of its hash). */
    async revoke(ref: string, actor: string, now = new Date()): Promise<EnrollSecret> {
      return db.transaction(() => {
        const live = db.select().from(enrollSecrets).where(isNull(enrollSecrets.revokedAt)).all();
        const matches = live.filter(
          (r) => String(r.id) === ref || (ref.length >= 8 && r.secretHash.startsWith(ref.toLowerCase())),
        );
        const [row] = matches;
        if (!row || matches.length > 1) throw new NotFoundError(`No live enroll secret ${ref}`);
        revokeRow(row, actor, now);
        return toSecret({ ...row, revokedAt: now.toISOString(), revokedBy: actor });
      });
    },
  };
}
