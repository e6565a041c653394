import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ProblemSchema } from '@stocktake/shared';
import {
  ApiTokenCreateSchema,
  ApiTokenListSchema,
  ApiTokenSchema,
  CreatedApiTokenSchema,
  IncludeRevokedQuerySchema,
  RefParamsSchema,
} from '@stocktake/shared/api';
import type { FastifyPluginAsync } from 'fastify';
import { requestActor } from '../../../../principal.ts';

/** `/api/v1/tokens`: API tokens, for admins. The collector host has the same as `stocktake-collector token`. */
const tokensRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/',
    {
      schema: {
        summary: 'API tokens (never their secrets), live ones unless includeRevoked',
        tags: ['tokens'],
        querystring: IncludeRevokedQuerySchema,
        response: { 200: ApiTokenListSchema, 400: ProblemSchema },
      },
    },
    async (request) => ({ items: await app.stores.apiTokens.list({ includeRevoked: request.query.includeRevoked }) }),
  );

  app.post(
    '/',
    {
      schema: {
        summary: 'Create an API token; its secret is in this response only',
        tags: ['tokens'],
        body: ApiTokenCreateSchema,
        response: { 201: CreatedApiTokenSchema, 400: ProblemSchema, 409: ProblemSchema },
      },
    },
    async (request, reply) => {
      const { token, secret } = await app.stores.apiTokens.create(request.body, requestActor(request));
      return reply.code(201).send({ ...token, secret });
    },
  );

  app.delete(
    '/:ref',
    {
      schema: {
        summary: 'Revoke a live API token by id or name; it is refused from the next request on',
        tags: ['tokens'],
        params: RefParamsSchema,
        response: { 200: ApiTokenSchema, 404: ProblemSchema },
      },
    },
    async (request) => app.stores.apiTokens.revoke(request.params.ref, requestActor(request)),
  );
};

export default tokensRoutes;
