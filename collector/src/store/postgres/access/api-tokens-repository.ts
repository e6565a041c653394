import type { ApiRole } from '@stocktake/shared/api';
import { and, asc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { ApiPrincipal, ApiToken, ApiTokens } from '../../../domain/access/ports.ts';
import { API_TOKEN_PREFIX, hashToken, newToken, tokenIdOf, tokenNameProblem } from '../../../domain/access/tokens.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../../domain/errors.ts';
import { writeAudit } from '../audit/audit-repository.ts';
import { type Db, type Executor, sqlStateOf, UNIQUE_VIOLATION } from '../connection.ts';
import { apiTokens } from '../schema/index.ts';

// Writing the last use on every request would turn every read into a write: uses are noted in
// memory, at most one a minute per token, and written together once a minute.
const LAST_USED_RESOLUTION_MS = 60_000;

const columns = {
  id: apiTokens.id,
  name: apiTokens.name,
  role: apiTokens.role,
  createdAt: apiTokens.createdAt,
  createdBy: apiTokens.createdBy,
  lastUsedAt: apiTokens.lastUsedAt,
  revokedAt: apiTokens.revokedAt,
  revokedBy: apiTokens.revokedBy,
};

type Row = { [K in keyof typeof columns]: (typeof apiTokens.$inferSelect)[K] };

const iso = (d: Date | null) => (d ? d.toISOString() : null);

const toToken = (r: Row): ApiToken => ({
  ...r,
  createdAt: r.createdAt.toISOString(),
  lastUsedAt: iso(r.lastUsedAt),
  revokedAt: iso(r.revokedAt),
});

/** The API tokens port, and the writing of the uses it noted. */
export interface ApiTokensRepository extends ApiTokens {
  /** Writes the uses noted since the last write; a failure keeps them for the next one and is not thrown. */
  writeUses(): Promise<void>;
  /** Writes the uses noted, and stops writing them on a timer: the pool is about to close. */
  close(): Promise<void>;
}

/** The statement every API request runs: prepared once per connection, by name. */
const byHash = (db: Db) =>
  db
    .select({ id: apiTokens.id, name: apiTokens.name, role: apiTokens.role, lastUsedAt: apiTokens.lastUsedAt })
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, sql.placeholder('hash')), isNull(apiTokens.revokedAt)))
    .prepare('api_token_by_hash');

async function findLive(tx: Executor, ref: string): Promise<Row | undefined> {
  const id = tokenIdOf(ref);
  const byRef = id !== undefined ? eq(apiTokens.id, id) : eq(apiTokens.name, ref);
  const [row] = await tx
    .select(columns)
    .from(apiTokens)
    .where(and(byRef, isNull(apiTokens.revokedAt)));
  return row;
}

/**
 * API tokens on PostgreSQL: created and revoked by an admin, audited, stored as hashes.
 * Authentication only reads; when a token was last used is kept in memory and written in the
 * background, so a database refusing writes never fails a request that only reads.
 */
export function createApiTokensRepository(db: Db): ApiTokensRepository {
  /** Token id to the latest use noted and not written yet. */
  const unwritten = new Map<number, Date>();
  const authenticateQuery = byHash(db);

  const writeUses = async () => {
    if (unwritten.size === 0) return;
    const uses = [...unwritten];
    try {
      await db.transaction(async (tx) => {
        for (const [id, at] of uses) {
          await tx
            .update(apiTokens)
            .set({ lastUsedAt: at })
            .where(and(eq(apiTokens.id, id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, at))));
        }
      });
    } catch {
      // Kept for the next write: when a token was last used may lag, but never fails a request.
      return;
    }
    for (const [id, at] of uses) if (unwritten.get(id) === at) unwritten.delete(id);
  };
  const timer = setInterval(() => void writeUses(), LAST_USED_RESOLUTION_MS);
  // The timer alone must not keep an admin command's process alive.
  timer.unref();

  /** A token as stored, with its latest use noted in memory. */
  const withUse = (token: ApiToken): ApiToken => {
    const noted = unwritten.get(token.id)?.toISOString();
    return noted && (token.lastUsedAt === null || token.lastUsedAt < noted) ? { ...token, lastUsedAt: noted } : token;
  };

  return {
    /** Creates a token and returns it with the only copy of its secret. */
    async create(input: { name: string; role: ApiRole }, actor: string, now = new Date()) {
      const problem = tokenNameProblem(input.name);
      if (problem) throw new ValidationError(`Token name ${problem}`, [{ field: 'name', message: problem }]);
      const secret = newToken(API_TOKEN_PREFIX);
      const taken = () => new ConflictError(`A live token is already named ${input.name}`, 'name');
      try {
        return await db.transaction(async (tx) => {
          if (await findLive(tx, input.name)) throw taken();
          const [row] = await tx
            .insert(apiTokens)
            .values({
              name: input.name,
              role: input.role,
              tokenHash: hashToken(secret),
              createdAt: now,
              createdBy: actor,
            })
            .returning(columns);
          if (!row) throw new Error('the new token was not returned');
          await writeAudit(tx, {
            at: now,
            actor,
            entityType: 'api_token',
            entityId: String(row.id),
            action: 'create',
            after: { name: row.name, role: row.role },
          });
          return { token: toToken(row), secret };
        });
      } catch (err) {
        // Two creations of one name at once: the live-name index refuses the second.
        const state = sqlStateOf(err);
        if (state?.code === UNIQUE_VIOLATION && state.constraint === 'api_tokens_live_name_idx') throw taken();
        throw err;
      }
    },

    /** Every token, live ones first, then by id. */
    async list(options: { includeRevoked?: boolean } = {}): Promise<ApiToken[]> {
      const rows = await db
        .select(columns)
        .from(apiTokens)
        .where(options.includeRevoked ? undefined : isNull(apiTokens.revokedAt))
        .orderBy(asc(apiTokens.id));
      return rows.map((r) => withUse(toToken(r)));
    },

    /** Revokes the live token with this id (digits) or name. */
    async revoke(ref: string, actor: string, now = new Date()): Promise<ApiToken> {
      return db.transaction(async (tx) => {
        const live = await findLive(tx, ref);
        if (!live) {
          throw new NotFoundError(`No live token ${tokenIdOf(ref) !== undefined ? 'with id' : 'named'} ${ref}`);
        }
        // Only a token still live is revoked: a concurrent revoke of the same token finds none.
        const revoked = await tx
          .update(apiTokens)
          .set({ revokedAt: now, revokedBy: actor })
          .where(and(eq(apiTokens.id, live.id), isNull(apiTokens.revokedAt)))
          .returning({ id: apiTokens.id });
        if (revoked.length === 0) throw new NotFoundError(`No live token ${ref}`);
        await writeAudit(tx, {
          at: now,
          actor,
          entityType: 'api_token',
          entityId: String(live.id),
          action: 'revoke',
          before: { name: live.name, role: live.role },
        });
        return withUse(toToken({ ...live, revokedAt: now, revokedBy: actor }));
      });
    },

    /** The live token with this secret, noting its use in memory (at most once a minute). */
    async authenticate(secret: string, now = new Date()): Promise<ApiPrincipal | undefined> {
      const [row] = await authenticateQuery.execute({ hash: hashToken(secret) });
      if (!row) return undefined;
      const noted = unwritten.get(row.id);
      const lastUse = noted && (!row.lastUsedAt || row.lastUsedAt < noted) ? noted : row.lastUsedAt;
      if (!lastUse || lastUse.getTime() < now.getTime() - LAST_USED_RESOLUTION_MS) unwritten.set(row.id, now);
      return { id: row.id, name: row.name, role: row.role };
    },

    writeUses,

    async close() {
      clearInterval(timer);
      await writeUses();
    },
  };
}
