import { randomUUID } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { hashToken, newToken } from '../../../domain/access/tokens.ts';
import type { Db } from '../open-database.ts';
import { agents } from '../schema/index.ts';

export type AgentRow = typeof agents.$inferSelect;

export interface EnrolInput {
  hostname: string;
  version: string;
  platform: string;
}

export function createAgentsRepository(db: Db) {
  // Every agent request is authenticated by this lookup: built and compiled once.
  const byTokenHash = db
    .select()
    .from(agents)
    .where(and(eq(agents.tokenHash, sql.placeholder('tokenHash')), isNull(agents.revokedAt)))
    .prepare();

  return {
    /** Creates an agent and returns its id with the only copy of its token. */
    enrol(input: EnrolInput, now = new Date()): { agentId: string; agentToken: string } {
      const agentId = randomUUID();
      const agentToken = newToken('sta');
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

    /** The live (not revoked) agent holding this token. */
    findByToken(token: string): AgentRow | undefined {
      return byTokenHash.get({ tokenHash: hashToken(token) });
    },

    revoke(agentId: string, now = new Date()): boolean {
      const result = db
        .update(agents)
        .set({ revokedAt: now.toISOString() })
        .where(and(eq(agents.id, agentId), isNull(agents.revokedAt)))
        .run();
      return result.changes > 0;
    },
  };
}

export type AgentsRepository = ReturnType<typeof createAgentsRepository>;

declare module 'fastify' {
  interface FastifyInstance {
    agentsRepository: AgentsRepository;
  }
}

export default fp(
  async (app: FastifyInstance) => {
    app.decorate('agentsRepository', createAgentsRepository(app.db));
  },
  { name: 'agents-repository', dependencies: ['db'] },
);
