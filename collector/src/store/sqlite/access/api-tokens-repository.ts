import type { ApiRole } from '@stocktake/shared/api';
import { and, asc, eq, isNull, lt, or } from 'drizzle-orm';
import type { ApiPrincipal, ApiToken, ApiTokens } from '../../../domain/access/ports.ts';
import { API_TOKEN_PREFIX, hashToken, newToken, tokenIdOf, tokenNameProblem } from '../../../domain/access/tokens.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../../domain/errors.ts';
import type { AuditLog } from '../audit/audit-repository.ts';
import type { Db } from '../open-database.ts';
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

/** The API tokens port, and the writing of the uses it noted. */
export interface ApiTokensRepository extends ApiTokens {
  /** Writes the uses noted since the last write; a failure keeps them for the next one and is not thrown. */
  writeUses(): void;
  /** Writes the uses noted, and stops writing them on a timer: the database is about to close. */
  close(): void;
}

/**
 * API tokens: created and revoked on the collector host or by an admin, audited, stored as
 * hashes. Authentication only reads: when a token was last used is kept in memory and written
 * in the background, so a full or read-only disk never fails a request that only reads.
 */
export function createApiTokensRepository(db: Db, audit: AuditLog): ApiTokensRepository {
  /** Token id to the latest use noted and not written yet. */
  const unwritten = new Map<number, string>();
  const writeUses = () => {
    if (unwritten.size === 0) return;
    const uses = [...unwritten];
    try {
      db.transaction((tx) => {
        for (const [id, at] of uses) {
          tx.update(apiTokens)
            .set({ lastUsedAt: at })
            .where(and(eq(apiTokens.id, id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, at))))
            .run();
        }
      });
    } catch {
      // Kept for the next write: when a token was last used may lag, but never fails a request.
      return;
    }
    for (const [id, at] of uses) if (unwritten.get(id) === at) unwritten.delete(id);
  };
  const timer = setInterval(writeUses, LAST_USED_RESOLUTION_MS);
  // The timer alone must not keep an admin command's process alive.
  timer.unref();
  /** A token as stored, with its latest use noted in memory. */
  const withUse = <T extends { id: number; lastUsedAt: string | null }>(token: T): T => {
    const noted = unwritten.get(token.id);
    return noted && (token.lastUsedAt === null || token.lastUsedAt < noted) ? { ...token, lastUsedAt: noted } : token;
  };
  const findLive = (ref: string) => {
    const id = tokenIdOf(ref);
    const byId = id !== undefined ? eq(apiTokens.id, id) : eq(apiTokens.name, ref);
    return db
      .select(columns)
      .from(apiTokens)
      .where(and(byId, isNull(apiTokens.revokedAt)))
      .get();
  };

  return {
    /** Creates a token and returns it with the only copy of its secret. */
    async create(input: { name: string; role: ApiRole }, actor: string, now = new Date()) {
      const problem = tokenNameProblem(input.name);
      if (problem) throw new ValidationError(`Token name ${problem}`, [{ field: 'name', message: problem }]);
      const secret = newToken(API_TOKEN_PREFIX);
      const at = now.toISOString();
      return db.transaction(() => {
        if (findLive(input.name)) {
          throw new ConflictError(`A live token is already named ${input.name}`, 'name');
        }
        const row = db
          .insert(apiTokens)
          .values({ name: input.name, role: input.role, tokenHash: hashToken(secret), createdAt: at, createdBy: actor })
          .returning(columns)
          .get();
        audit.write({
          at: now,
          actor,
          entityType: 'api_token',
          entityId: String(row.id),
          action: 'create',
          after: { name: row.name, role: row.role },
        });
        return { token: row, secret };
      });
    },

    /** Every token, live ones first, then by id. */
    async list(options: { includeRevoked?: boolean } = {}): Promise<ApiToken[]> {
      return db
        .select(columns)
        .from(apiTokens)
        .where(options.includeRevoked ? undefined : isNull(apiTokens.revokedAt))
        .orderBy(asc(apiTokens.id))
        .all()
        .map(withUse);
    },

    /** Revokes the live token with this id (digits) or name. */
    async revoke(ref: string, actor: string, now = new Date()): Promise<ApiToken> {
      return db.transaction(() => {
        const live = findLive(ref);
        if (!live)
          throw new NotFoundError(`No live token ${tokenIdOf(ref) !== undefined ? 'with id' : 'named'} ${ref}`);
        const at = now.toISOString();
        db.update(apiTokens).set({ revokedAt: at, revokedBy: actor }).where(eq(apiTokens.id, live.id)).run();
        audit.write({
          at: now,
          actor,
          entityType: 'api_token',
          entityId: String(live.id),
          action: 'revoke',
          before: { name: live.name, role: live.role },
        });
        return withUse({ ...live, revokedAt: at, revokedBy: actor });
      });
    },

    /** The live token with this secret, noting its use in memory (at most once a minute). */
    async authenticate(secret: string, now = new Date()): Promise<ApiPrincipal | undefined> {
      const row = db
        .select({ id: apiTokens.id, name: apiTokens.name, role: apiTokens.role, lastUsedAt: apiTokens.lastUsedAt })
        .from(apiTokens)
        .where(and(eq(apiTokens.tokenHash, hashToken(secret)), isNull(apiTokens.revokedAt)))
        .get();
      if (!row) return undefined;
      const lastUse = withUse(row).lastUsedAt;
      const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS).toISOString();
      if (lastUse === null || lastUse < stale) unwritten.set(row.id, now.toISOString());
      return { id: row.id, name: row.name, role: row.role };
    },

    writeUses,

    close() {
      clearInterval(timer);
      writeUses();
    },
  };
}
