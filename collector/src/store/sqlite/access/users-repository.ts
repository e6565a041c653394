import type { ApiRole } from '@stocktake/shared/api';
import { and, asc, eq, isNull, lt } from 'drizzle-orm';
import {
  decoyHash,
  hashPassword,
  passwordProblem,
  userNameProblem,
  verifyPassword,
} from '../../../domain/access/passwords.ts';
import type { ActiveSession, User, UserAccounts, UserPrincipal } from '../../../domain/access/ports.ts';
import { newSessionToken, SESSION_TOUCH_MS, sessionExpiry } from '../../../domain/access/sessions.ts';
import { hashToken } from '../../../domain/access/tokens.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../../domain/errors.ts';
import type { AuditLog } from '../audit/audit-repository.ts';
import type { Db } from '../open-database.ts';
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

function checkPassword(password: string): void {
  const problem = passwordProblem(password);
  if (problem) throw new ValidationError(`Password ${problem}`, [{ field: 'password', message: problem }]);
}

/** People's accounts and sessions on SQLite: passwords as scrypt hashes, sessions as SHA-256 of their tokens. */
export function createUsersRepository(db: Db, audit: AuditLog): UserAccounts {
  const findEnabled = (name: string) =>
    db
      .select(columns)
      .from(users)
      .where(and(eq(users.name, name), isNull(users.disabledAt)))
      .get();
  const endSessionsOf = (userId: number) => db.delete(userSessions).where(eq(userSessions.userId, userId)).run();

  return {
    async create(input: { name: string; role: ApiRole; password: string }, actor: string, now = new Date()) {
      const nameProblem = userNameProblem(input.name);
      if (nameProblem) throw new ValidationError(`User name ${nameProblem}`, [{ field: 'name', message: nameProblem }]);
      checkPassword(input.password);
      const passwordHash = await hashPassword(input.password);
      const at = now.toISOString();
      return db.transaction(() => {
        if (db.select({ id: users.id }).from(users).where(eq(users.name, input.name)).get()) {
          throw new ConflictError(`A user is already named ${input.name}`, 'name');
        }
        const row = db
          .insert(users)
          .values({
            name: input.name,
            role: input.role,
            passwordHash,
            passwordChangedAt: at,
            createdAt: at,
            createdBy: actor,
          })
          .returning(columns)
          .get();
        audit.write({
          at: now,
          actor,
          entityType: 'user',
          entityId: String(row.id),
          action: 'create',
          after: { name: row.name, role: row.role },
        });
        return row;
      });
    },

    async list(options: { includeDisabled?: boolean } = {}): Promise<User[]> {
      return db
        .select(columns)
        .from(users)
        .where(options.includeDisabled ? undefined : isNull(users.disabledAt))
        .orderBy(asc(users.id))
        .all();
    },

    async disable(name: string, actor: string, now = new Date()): Promise<User> {
      return db.transaction(() => {
        const live = findEnabled(name);
        if (!live) throw new NotFoundError(`No enabled user named ${name}`);
        const at = now.toISOString();
        db.update(users).set({ disabledAt: at, disabledBy: actor }).where(eq(users.id, live.id)).run();
        endSessionsOf(live.id);
        audit.write({
          at: now,
          actor,
          entityType: 'user',
          entityId: String(live.id),
          action: 'disable',
          before: { name: live.name, role: live.role },
        });
        return { ...live, disabledAt: at, disabledBy: actor };
      });
    },

    async resetPassword(name: string, password: string, actor: string, now = new Date()): Promise<User> {
      checkPassword(password);
      if (!findEnabled(name)) throw new NotFoundError(`No enabled user named ${name}`);
      const passwordHash = await hashPassword(password);
      return db.transaction(() => {
        const live = findEnabled(name);
        if (!live) throw new NotFoundError(`No enabled user named ${name}`);
        const at = now.toISOString();
        db.update(users).set({ passwordHash, passwordChangedAt: at }).where(eq(users.id, live.id)).run();
        endSessionsOf(live.id);
        // The audit entry says that the password changed, never anything of it.
        audit.write({
          at: now,
          actor,
          entityType: 'user',
          entityId: String(live.id),
          action: 'password',
          after: { name: live.name },
        });
        return { ...live, passwordChangedAt: at };
      });
    },

    async verify(name: string, password: string): Promise<UserPrincipal | undefined> {
      const row = db
        .select({ id: users.id, name: users.name, role: users.role, passwordHash: users.passwordHash })
        .from(users)
        .where(and(eq(users.name, name), isNull(users.disabledAt)))
        .get();
      // An unknown or disabled name costs as much as a wrong password: timing tells no names.
      const matches = await verifyPassword(password, row?.passwordHash ?? (await decoyHash()));
      return row && matches ? { id: row.id, name: row.name, role: row.role } : undefined;
    },

    async startSession(userId: number, now = new Date()) {
      const token = newSessionToken();
      const at = now.toISOString();
      db.transaction(() => {
        // Sessions past their limits are dropped as their owner logs in again.
        for (const s of db.select().from(userSessions).where(eq(userSessions.userId, userId)).all()) {
          if (sessionExpiry(new Date(s.createdAt), new Date(s.lastSeenAt)) <= now) {
            db.delete(userSessions).where(eq(userSessions.id, s.id)).run();
          }
        }
        db.insert(userSessions)
          .values({ tokenHash: hashToken(token), userId, createdAt: at, lastSeenAt: at })
          .run();
      });
      return { token, expiresAt: sessionExpiry(now, now).toISOString() };
    },

    async session(token: string, now = new Date()): Promise<ActiveSession | undefined> {
      const row = db
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
        .where(and(eq(userSessions.tokenHash, hashToken(token)), isNull(users.disabledAt)))
        .get();
      if (!row) return undefined;
      const createdAt = new Date(row.createdAt);
      if (sessionExpiry(createdAt, new Date(row.lastSeenAt)) <= now) {
        db.delete(userSessions).where(eq(userSessions.id, row.id)).run();
        return undefined;
      }
      let lastSeenAt = row.lastSeenAt;
      if (now.getTime() - new Date(row.lastSeenAt).getTime() >= SESSION_TOUCH_MS) {
        lastSeenAt = now.toISOString();
        db.update(userSessions)
          .set({ lastSeenAt })
          .where(and(eq(userSessions.id, row.id), lt(userSessions.lastSeenAt, lastSeenAt)))
          .run();
      }
      return {
        user: { id: row.userId, name: row.name, role: row.role },
        expiresAt: sessionExpiry(createdAt, new Date(lastSeenAt)).toISOString(),
      };
    },

    async endSession(token: string): Promise<boolean> {
      return (
        db
          .delete(userSessions)
          .where(eq(userSessions.tokenHash, hashToken(token)))
          .run().changes > 0
      );
    },
  };
}
