import { randomUUID } from 'node:crypto';
import { and, desc, eq, isNull, ne, or, sql } from 'drizzle-orm';
import type { Agent, AgentEnrolment, AgentRevocation, Agents } from '../../../domain/access/ports.ts';
import { AGENT_TOKEN_PREFIX, hashToken, newToken } from '../../../domain/access/tokens.ts';
import { NotFoundError } from '../../../domain/errors.ts';
import { writeAudit } from '../audit/audit-repository.ts';
import type { Db } from '../connection.ts';
import { agents } from '../schema/index.ts';
import { insertBlock } from './enrolment-blocks-repository.ts';

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

type Row = { [K in keyof typeof columns]: (typeof agents.$inferSelect)[K] };

const toAgent = (r: Row): Agent => ({
  ...r,
  enrolledAt: r.enrolledAt.toISOString(),
  lastSeenAt: r.lastSeenAt ? r.lastSeenAt.toISOString() : null,
  revokedAt: r.revokedAt ? r.revokedAt.toISOString() : null,
});

/** The Agents port over PostgreSQL. */
export function createAgentsRepository(db: Db): Agents {
  // Every agent request is authenticated by this lookup: prepared once per connection, by name.
  const byTokenHash = db
    .select(columns)
    .from(agents)
    .where(and(eq(agents.tokenHash, sql.placeholder('tokenHash')), isNull(agents.revokedAt)))
    .prepare('agent_by_token_hash');
  const byId = db
    .select(columns)
    .from(agents)
    .where(eq(agents.id, sql.placeholder('id')))
    .prepare('agent_by_id');

  return {
    async enrol(input: AgentEnrolment, now = new Date()) {
      const agentId = input.id ?? randomUUID();
      const agentToken = newToken(AGENT_TOKEN_PREFIX);
      await db.insert(agents).values({
        id: agentId,
        tokenHash: hashToken(agentToken),
        hostname: input.hostname,
        version: input.version,
        platform: input.platform,
        enrolledAt: now,
        address: input.address ?? null,
      });
      return { agentId, agentToken };
    },

    async findByToken(token: string): Promise<Agent | undefined> {
      const [row] = await byTokenHash.execute({ tokenHash: hashToken(token) });
      return row ? toAgent(row) : undefined;
    },

    async get(agentId: string): Promise<Agent | undefined> {
      const [row] = await byId.execute({ id: agentId });
      return row ? toAgent(row) : undefined;
    },

    async list(options: { includeRevoked?: boolean } = {}): Promise<Agent[]> {
      const rows = await db
        .select(columns)
        .from(agents)
        .where(options.includeRevoked ? undefined : isNull(agents.revokedAt))
        .orderBy(sql`${agents.lastSeenAt} is null`, desc(agents.lastSeenAt), desc(agents.enrolledAt), agents.id);
      return rows.map(toAgent);
    },

    async noteAddress(agentId: string, address: string) {
      // Written only when it changed: most requests come from where the last one did.
      await db
        .update(agents)
        .set({ address })
        .where(and(eq(agents.id, agentId), or(isNull(agents.address), ne(agents.address, address))));
    },

    async revoke(agentId: string, now = new Date()) {
      const revoked = await db
        .update(agents)
        .set({ revokedAt: now })
        .where(and(eq(agents.id, agentId), isNull(agents.revokedAt)))
        .returning({ id: agents.id });
      return revoked.length > 0;
    },

    async revokeAsAdmin(agentId, actor, options = {}, now = new Date()): Promise<AgentRevocation> {
      return db.transaction(async (tx) => {
        // Locked: a concurrent revocation waits, then finds it revoked.
        const [live] = await tx.select(columns).from(agents).where(eq(agents.id, agentId)).for('update');
        if (!live || live.revokedAt) throw new NotFoundError(`No live agent ${agentId}`);
        await tx.update(agents).set({ revokedAt: now, revokedBy: actor }).where(eq(agents.id, agentId));
        await writeAudit(tx, {
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
            ? await insertBlock(tx, { kind: 'device', value: live.deviceId }, actor, now, `agent ${agentId} revoked`)
            : null;
        return { agent: toAgent({ ...live, revokedAt: now, revokedBy: actor }), block };
      });
    },
  };
}
