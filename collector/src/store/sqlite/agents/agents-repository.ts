import { randomUUID } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Agent, AgentEnrolment, Agents } from '../../../domain/access/ports.ts';
import { AGENT_TOKEN_PREFIX, hashToken, newToken } from '../../../domain/access/tokens.ts';
import type { Db } from '../open-database.ts';
import { agents } from '../schema/index.ts';

/** What the domain sees of an agent: everything but its token's hash. */
const columns = {
  id: agents.id,
  hostname: agents.hostname,
  version: agents.version,
  platform: agents.platform,
  enrolledAt: agents.enrolledAt,
  lastSeenAt: agents.lastSeenAt,
  revokedAt: agents.revokedAt,
  deviceId: agents.deviceId,
};

export function createAgentsRepository(db: Db): Agents {
  // Every agent request is authenticated by this lookup: built and compiled once.
  const byTokenHash = db
    .select(columns)
    .from(agents)
    .where(and(eq(agents.tokenHash, sql.placeholder('tokenHash')), isNull(agents.revokedAt)))
    .prepare();

  return {
    async enrol(input: AgentEnrolment, now = new Date()) {
      const agentId = randomUUID();
      const agentToken = newToken(AGENT_TOKEN_PREFIX);
      db.insert(agents)
        .values({
          id: agentId,
          tokenHash: hashToken(agentToken),
          hostname: input.hostname,
          version: input.version,
          platform: input.platform,
          enrolledAt: now.toISOString(),
        })
        .run();
      return { agentId, agentToken };
    },

    async findByToken(token: string): Promise<Agent | undefined> {
      return byTokenHash.get({ tokenHash: hashToken(token) });
    },

    async revoke(agentId: string, now = new Date()) {
      const result = db
        .update(agents)
        .set({ revokedAt: now.toISOString() })
        .where(and(eq(agents.id, agentId), isNull(agents.revokedAt)))
        .run();
      return result.changes > 0;
    },
  };
}
