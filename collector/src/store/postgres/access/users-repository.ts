import type { ApiRole } from '@stocktake/shared/api';
import { and, asc, eq, isNull, lt, lte, or, sql } from 'drizzle-orm';
import {
  decoyHash,
  hashPassword,
  passwordProblem,
  userNameProblem,
  verifyPassword,
} from '../../../domain/access/passwords.ts';
import type { ActiveSession, User, UserAccounts, UserPrincipal } from '../../../domain/access/ports.ts';
import {
  newSessionToken,
  SESSION_ABSOLUTE_MS,
  SESSION_IDLE_MS,
  SESSION_TOUCH_MS,
  sessionExpiry,
} from '../../../domain/access/sessions.ts';
import { hashToken } from '../../../domain/access/tokens.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../../domain/errors.ts';
import { writeAudit } from '../audit/audit-repository.ts';
import { type Db, type Executor, sqlStateOf, UNIQUE_VIOLATION } from '../connection.ts';
import { userSessions, users } from '../schema/index.ts';

const columns = {
  id: users.id,
  name: users.name,
  role: users.role,
  createdAt: users.createdAt,
  createdBy: users.createdBy,
  passwordChangedAt: users.passwordChangedAt,
  disabledAt: users.disabledAt,
  disabledBy: users.disabledBy,
};

type Row = { [K in keyof typeof columns]: (typeof users.$inferSelect)[K] };

const toUser = (r: Row): User => ({
  ...r,
  createdAt: r.createdAt.toISOString(),
  passwordChangedAt: r.passwordChangedAt.toISOString(),
  disabledAt: r.disabledAt ? r.disabledAt.toISOString() : null,
});

function checkPassword(password: string): void {
  const problem = passwordProblem(password);
  if (problem) throw new ValidationError(`Password ${problem}`, [{ field: 'password', message: problem }]);
}

/** The enabled account with this name, locked for the rest of the transaction when asked. */
async function findEnabled(tx: Executor, name: string, lock = false): Promise<Row | undefined> {
  const query = tx
    .select(columns)
    .from(users)
    .where(and(eq(users.name, name), isNull(users.disabledAt)));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

const endSessionsOf = (tx: Executor, userId: number) => tx.delete(userSessions).where(eq(userSessions.userId, userId));

/** The session with this token's hash, and its account when enabled: the statement every cookie request runs. */
const sessionByHash = (db: Db) =>
  db
    .select({
      id: userSessions.id,
      createdAt: userSessions.createdAt,
      lastSeenAt: userSessions.lastSeenAt,
      userId: users.id,
      name: users.name,
      role: users.role,
    })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(and(eq(userSessions.tokenHash, sql.placeholder('hash')), isNull(users.disabledAt)))
    .prepare('user_session_by_hash');

/** People's accounts and sessions on PostgreSQL: passwords as scrypt hashes, sessions as SHA-256 of their tokens. */
export function createUsersRepository(db: Db): UserAccounts {
  const findSession = sessionByHash(db);

  return {
    async create(input: { name: string; role: ApiRole; password: string }, actor: string, now = new Date()) {
      const nameProblem = userNameProblem(input.name);
      if (nameProblem) throw new ValidationError(`User name ${nameProblem}`, [{ field: 'name', message: nameProblem }]);
      checkPassword(input.password);
      const passwordHash = await hashPassword(input.password);
      const taken = () => new ConflictError(`A user is already named ${input.name}`, 'name');
      try {
        return await db.transaction(async (tx) => {
          const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.name, input.name));
          if (existing) throw taken();
          const [row] = await tx
            .insert(users)
            .values({
              name: input.name,
              role: input.role,
              passwordHash,
              passwordChangedAt: now,
              createdAt: now,
              createdBy: actor,
            })
            .returning(columns);
          if (!row) throw new Error('the new account was not returned');
          await writeAudit(tx, {
            at: now,
            actor,
            entityType: 'user',
            entityId: String(row.id),
            action: 'create',
            after: { name: row.name, role: row.role },
          });
          return toUser(row);
        });
      } catch (err) {
        // Two creations of one name at once: the unique name refuses the second.
        const state = sqlStateOf(err);
        if (state?.code === UNIQUE_VIOLATION && state.constraint === 'users_name_unique') throw taken();
        throw err;
      }
    },

    async list(options: { includeDisabled?: boolean } = {}): Promise<User[]> {
      const rows = await db
        .select(columns)
        .from(users)
        .where(options.includeDisabled ? undefined : isNull(users.disabledAt))
        .orderBy(asc(users.id));
      return rows.map(toUser);
    },

    async disable(name: string, actor: string, now = new Date()): Promise<User> {
      return db.transaction(async (tx) => {
        const live = await findEnabled(tx, name, true);
        if (!live) throw new NotFoundError(`No enabled user named ${name}`);
        await tx.update(users).set({ disabledAt: now, disabledBy: actor }).where(eq(users.id, live.id));
        await endSessionsOf(tx, live.id);
        await writeAudit(tx, {
          at: now,
          actor,
          entityType: 'user',
          entityId: String(live.id),
          action: 'disable',
          before: { name: live.name, role: live.role },
        });
        return toUser({ ...live, disabledAt: now, disabledBy: actor });
      });
    },

    async resetPassword(name: string, password: string, actor: string, now = new Date()): Promise<User> {
      checkPassword(password);
      if (!(await findEnabled(db, name))) throw new NotFoundError(`No enabled user named ${name}`);
      const passwordHash = await hashPassword(password);
      return db.transaction(async (tx) => {
        const live = await findEnabled(tx, name, true);
        if (!live) throw new NotFoundError(`No enabled user named ${name}`);
        await tx.update(users).set({ passwordHash, passwordChangedAt: now }).where(eq(users.id, live.id));
        await endSessionsOf(tx, live.id);
        // The audit entry says that the password changed, never anything of it.
        await writeAudit(tx, {
          at: now,
          actor,
          entityType: 'user',
          entityId: String(live.id),
          action: 'password',
          after: { name: live.name },
        });
        return toUser({ ...live, passwordChangedAt: now });
      });
    },

    async verify(name: string, password: string): Promise<UserPrincipal | undefined> {
      const [row] = await db
        .select({ id: users.id, name: users.name, role: users.role, passwordHash: users.passwordHash })
        .from(users)
        .where(and(eq(users.name, name), isNull(users.disabledAt)));
      // An unknown or disabled name costs as much as a wrong password: timing tells no names.
      const matches = await verifyPassword(password, row?.passwordHash ?? (await decoyHash()));
      return row && matches ? { id: row.id, name: row.name, role: row.role } : undefined;
    },

    async startSession(userId: number, now = new Date()) {
      const token = newSessionToken();
      await db.transaction(async (tx) => {
        // Sessions past their limits are dropped as their owner logs in again.
        await tx
          .delete(userSessions)
          .where(
            and(
              eq(userSessions.userId, userId),
              or(
                lte(userSessions.createdAt, new Date(now.getTime() - SESSION_ABSOLUTE_MS)),
                lte(userSessions.lastSeenAt, new Date(now.getTime() - SESSION_IDLE_MS)),
              ),
            ),
          );
        await tx.insert(userSessions).values({ tokenHash: hashToken(token), userId, createdAt: now, lastSeenAt: now });
      });
      return { token, expiresAt: sessionExpiry(now, now).toISOString() };
    },

    async session(token: string, now = new Date()): Promise<ActiveSession | undefined> {
      const [row] = await findSession.execute({ hash: hashToken(token) });
      if (!row) return undefined;
      if (sessionExpiry(row.createdAt, row.lastSeenAt) <= now) {
        await db.delete(userSessions).where(eq(userSessions.id, row.id));
        return undefined;
      }
      let lastSeenAt = row.lastSeenAt;
      if (now.getTime() - row.lastSeenAt.getTime() >= SESSION_TOUCH_MS) {
        lastSeenAt = now;
        await db
          .update(userSessions)
          .set({ lastSeenAt })
          .where(and(eq(userSessions.id, row.id), lt(userSessions.lastSeenAt, lastSeenAt)));
      }
      return {
        user: { id: row.userId, name: row.name, role: row.role },
        expiresAt: sessionExpiry(row.createdAt, lastSeenAt).toISOString(),
      };
    },

    async endSession(token: string): Promise<boolean> {
      const ended = await db
        .delete(userSessions)
        .where(eq(userSessions.tokenHash, hashToken(token)))
        .returning({ id: userSessions.id });
      return ended.length > 0;
    },
  };
}
