import type { ApiRole } from '@stocktake/shared/api';
import { and, asc, eq, isNull, lt, or } from 'drizzle-orm';
import type { ApiPrincipal, ApiToken, ApiTokens } from '../../../domain/access/ports.ts';
import { API_TOKEN_PREFIX, hashToken, newToken, tokenIdOf, tokenNameProblem } from '../../../domain/access/tokens.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../../domain/errors.ts';
import type { AuditLog } from '../audit/audit-repository.ts';
import type { Db } from '../open-database.ts';
import { apiTokens } from '../schema/index.ts';

// Writing the last use on every request would turn every read into a write.
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

/** API tokens: created and revoked on the collector host or by an admin, audited, stored as hashes. */
export function createApiTokensRepository(db: Db, audit: AuditLog): ApiTokens {
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
        .all();
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
        return { ...live, revokedAt: at, revokedBy: actor };
      });
    },

    /** The live token with this secret, noting its use (at most once a minute). */
    async authenticate(secret: string, now = new Date()): Promise<ApiPrincipal | undefined> {
      const row = db
        .select({ id: apiTokens.id, name: apiTokens.name, role: apiTokens.role, lastUsedAt: apiTokens.lastUsedAt })
        .from(apiTokens)
        .where(and(eq(apiTokens.tokenHash, hashToken(secret)), isNull(apiTokens.revokedAt)))
        .get();
      if (!row) return undefined;
      const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS).toISOString();
      if (row.lastUsedAt === null || row.lastUsedAt < stale) {
        db.update(apiTokens)
          .set({ lastUsedAt: now.toISOString() })
          .where(and(eq(apiTokens.id, row.id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, stale))))
          .run();
      }
      return { id: row.id, name: row.name, role: row.role };
    },
  };
}
