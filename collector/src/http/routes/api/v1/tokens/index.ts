import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ProblemSchema } from '@stocktake/shared';
import { API_ROLES } from '@stocktake/shared/api';
import type { FastifyPluginAsync } from 'fastify';
import Type from 'typebox';
import { requestActor } from '../../../../request-actor.ts';
import { Nullable } from '../schema-helpers.ts';

export const ApiTokenSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String({ description: 'What the audit log records as the actor of this token’s writes.' }),
  role: Type.Enum(API_ROLES, { description: 'reader: GET and HEAD; admin: every route.' }),
  createdAt: Type.String(),
  createdBy: Type.String(),
  lastUsedAt: Nullable(Type.String({ description: 'To the minute.' })),
  revokedAt: Nullable(Type.String()),
  revokedBy: Nullable(Type.String()),
});

const TokenRef = Type.Object({
  ref: Type.String({ minLength: 1, maxLength: 64, description: 'Token id (digits) or name.' }),
});

/** `/api/v1/tokens`: API tokens, for admins. The collector host has the same as `stocktake-collector token`. */
const tokensRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/',
    {
      schema: {
        summary: 'API tokens (never their secrets), live ones unless includeRevoked',
        tags: ['tokens'],
        querystring: Type.Object({ includeRevoked: Type.Boolean({ default: false }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(ApiTokenSchema) }), 400: ProblemSchema },
      },
    },
    async (request) => ({ items: app.apiTokens.list({ includeRevoked: request.query.includeRevoked }) }),
  );

  app.post(
    '/',
    {
      schema: {
        summary: 'Create an API token; its secret is in this response only',
        tags: ['tokens'],
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 64, description: 'Unique among live tokens.' }),
            role: Type.Enum(API_ROLES),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            ...ApiTokenSchema.properties,
            secret: Type.String({ description: 'The bearer token. Shown once; the collector keeps only its hash.' }),
          }),
          400: ProblemSchema,
          409: ProblemSchema,
        },
      },
    },
    async (request, reply) => {
      const { token, secret } = app.apiTokens.create(request.body, requestActor(request));
      return reply.code(201).send({ ...token, secret });
    },
  );

  app.delete(
    '/:ref',
    {
      schema: {
        summary: 'Revoke a live API token by id or name; it is refused from the next request on',
        tags: ['tokens'],
        params: TokenRef,
        response: { 200: ApiTokenSchema, 404: ProblemSchema },
      },
    },
    async (request) => app.apiTokens.revoke(request.params.ref, requestActor(request)),
  );
};

export default tokensRoutes;
