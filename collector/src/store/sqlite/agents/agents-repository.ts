import { randomUUID } from 'node:crypto';
import { and, desc, eq, isNull, ne, or, sql } from 'drizzle-orm';
import type { Agent, AgentEnrolment, AgentRevocation, Agents } from '../../../domain/access/ports.ts';
import { AGENT_TOKEN_PREFIX, hashToken, newToken } from '../../../domain/access/tokens.ts';
import { NotFoundError } from '../../../domain/errors.ts';
import type { AuditLog } from '../audit/audit-repository.ts';
import type { Db } from '../open-database.ts';
import { agents } from '../schema/index.ts';
import type { EnrolmentBlockRows } from './enrolment-blocks-repository.ts';

/** What the domain sees of an agent: everything but its token's hash. */
const columns = {
  id: agents.id,
  hostname: agents.hostname,
  version: agents.version,
  platform: agents.platform,
  enrolledAt: agents.enrolledAt,
  lastSeenAt: agents.lastSeenAt,
  revokedAt: agents.revokedAt,
  revokedBy: agents.revokedBy,
  deviceId: agents.deviceId,
  claimedDeviceId: agents.claimedDeviceId,
  address: agents.address,
};

export function createAgentsRepository(db: Db, audit: AuditLog, blocks: EnrolmentBlockRows): Agents {
  // Every agent request is authenticated by this lookup: built and compiled once.
  const byTokenHash = db
    .select(columns)
    .from(agents)
    .where(and(eq(agents.tokenHash, sql.placeholder('tokenHash')), isNull(agents.revokedAt)))
    .prepare();
  const byId = db
    .select(columns)
    .from(agents)
    .where(eq(agents.id, sql.placeholder('id')))
    .prepare();

  return {
    async enrol(input: AgentEnrolment, now = new Date()) {
      const agentId = input.id ?? randomUUID();
      const agentToken = newToken(AGENT_TOKEN_PREFIX);
      db.insert(agents)
        .values({
          id: agentId,
          tokenHash: hashToken(agentToken),
          hostname: input.hostname,
          version: input.version,
          platform: input.platform,
          enrolledAt: now.toISOString(),
          address: input.address ?? null,
        })
        .run();
      return { agentId, agentToken };
    },

    async findByToken(token: string): Promise<Agent | undefined> {
      return byTokenHash.get({ tokenHash: hashToken(token) });
    },

    async get(agentId: string): Promise<Agent | undefined> {
      return byId.get({ id: agentId });
    },

    async list(options: { includeRevoked?: boolean } = {}): Promise<Agent[]> {
      return db
        .select(columns)
        .from(agents)
        .where(options.includeRevoked ? undefined : isNull(agents.revokedAt))
        .orderBy(sql`${agents.lastSeenAt} is null`, desc(agents.lastSeenAt), desc(agents.enrolledAt), agents.id)
        .all();
    },

    async noteAddress(agentId: string, address: string) {
      db.update(agents)
        .set({ address })
        .where(and(eq(agents.id, agentId), or(isNull(agents.address), ne(agents.address, address))))
        .run();
    },

    async revoke(agentId: string, now = new Date()) {
      const result = db
        .update(agents)
        .set({ revokedAt: now.toISOString() })
        .where(and(eq(agents.id, agentId), isNull(agents.revokedAt)))
        .run();
      return result.changes > 0;
    },

    async revokeAsAdmin(agentId, actor, options = {}, now = new Date()): Promise<AgentRevocation> {
      return db.transaction(() => {
        const live = byId.get({ id: agentId });
        if (!live || live.revokedAt) throw new NotFoundError(`No live agent ${agentId}`);
        const at = now.toISOString();
        db.update(agents).set({ revokedAt: at, revokedBy: actor }).where(eq(agents.id, agentId)).run();
        audit.write({
          at: now,
          actor,
          entityType: 'agent',
          entityId: agentId,
          action: 'revoke',
          before: { hostname: live.hostname, deviceId: live.deviceId },
          ...(options.allowReenrolment ? { context: 're-enrolment allowed' } : {}),
        });
        const block =
          live.deviceId && !options.allowReenrolment
            ? blocks.insert({ kind: 'device', value: live.deviceId }, actor, now, `agent ${agentId} revoked`)
            : null;
        return { agent: { ...live, revokedAt: at, revokedBy: actor }, block };
      });
    },
  };
}
