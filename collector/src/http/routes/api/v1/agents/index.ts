import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { LiveCloseCodes, ProblemSchema } from '@stocktake/shared';
import {
  type AgentInfo,
  AgentListSchema,
  AgentRevocationSchema,
  AgentRevokeQuerySchema,
  IdParamsSchema,
  IncludeRevokedQuerySchema,
} from '@stocktake/shared/api';
import type { FastifyPluginAsync } from 'fastify';
import type { Agent } from '../../../../../domain/access/ports.ts';
import { requestActor } from '../../../../principal.ts';

/** `/api/v1/agents`: enrolled agents for operators (admins): list them, revoke one. */
const agentsRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const withPresence = async (agents: Agent[]): Promise<AgentInfo[]> => {
    const presence = await app.presence.ofMany(agents.map((a) => a.id));
    return agents.map((agent) => ({ ...agent, online: presence.get(agent.id)?.online ?? false }));
  };

  app.get(
    '/',
    {
      schema: {
        summary: 'Enrolled agents: last seen, version, address, device and open claim; live ones unless includeRevoked',
        tags: ['agents'],
        querystring: IncludeRevokedQuerySchema,
        response: { 200: AgentListSchema, 400: ProblemSchema },
      },
    },
    async (request) => ({
      items: await withPresence(await app.stores.agents.list({ includeRevoked: request.query.includeRevoked })),
    }),
  );

  app.delete(
    '/:id',
    {
      schema: {
        summary:
          'Revoke an agent: its token is refused from the next request on and its live channel is closed now; its device is blocked unless allowReenrolment',
        tags: ['agents'],
        params: IdParamsSchema,
        querystring: AgentRevokeQuerySchema,
        response: { 200: AgentRevocationSchema, 404: ProblemSchema },
      },
    },
    async (request) => {
      const revoked = await app.stores.agents.revokeAsAdmin(request.params.id, requestActor(request), {
        allowReenrolment: request.query.allowReenrolment,
      });
      const closed = app.presence.disconnect(request.params.id, LiveCloseCodes.unauthorized, 'agent revoked');
      request.log.info({ agentId: request.params.id, liveChannelClosed: closed }, 'agent revoked');
      const [agent] = await withPresence([revoked.agent]);
      return { agent: agent as AgentInfo, block: revoked.block };
    },
  );
};

export default agentsRoutes;
