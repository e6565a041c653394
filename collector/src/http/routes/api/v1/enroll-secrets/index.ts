import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ProblemSchema } from '@stocktake/shared';
import { ENROLL_SECRET_ORIGINS } from '@stocktake/shared/api';
import type { FastifyPluginAsync } from 'fastify';
import Type from 'typebox';
import { requestActor } from '../../../../request-actor.ts';
import { Nullable } from '../schema-helpers.ts';

export const EnrollSecretSchema = Type.Object({
  id: Type.Integer(),
  origin: Type.Enum(ENROLL_SECRET_ORIGINS, {
    description: 'config: the secret the collector was started with; managed: made by rotate.',
  }),
  fingerprint: Type.String({ description: "First 8 hex digits of the secret's SHA-256." }),
  createdAt: Type.String(),
  createdBy: Type.String(),
  revokedAt: Nullable(Type.String()),
  revokedBy: Nullable(Type.String()),
});

/** `/api/v1/enroll-secrets`: the secrets agents enrol with, for admins. */
const enrollSecretsRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/',
    {
      schema: {
        summary: 'Enroll secrets (fingerprints, never the secrets), live ones unless includeRevoked',
        tags: ['enroll secrets'],
        querystring: Type.Object({ includeRevoked: Type.Boolean({ default: false }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(EnrollSecretSchema) }), 400: ProblemSchema },
      },
    },
    async (request) => ({ items: app.enrollSecrets.list({ includeRevoked: request.query.includeRevoked }) }),
  );

  app.post(
    '/rotate',
    {
      schema: {
        summary:
          'Make a new enroll secret (in this response only) and revoke the others unless keepPrevious; enrolled agents are not affected',
        tags: ['enroll secrets'],
        body: Type.Object(
          {
            keepPrevious: Type.Optional(
              Type.Boolean({ description: 'Leave the other secrets live, for a change-over (default false).' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            secret: Type.String({ description: 'The new enroll secret. Shown once.' }),
            created: EnrollSecretSchema,
            revoked: Type.Array(EnrollSecretSchema),
          }),
          400: ProblemSchema,
        },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(app.enrollSecrets.rotate(requestActor(request), { keepPrevious: request.body.keepPrevious === true })),
  );

  app.delete(
    '/:ref',
    {
      schema: {
        summary: 'Revoke a live enroll secret by id or fingerprint',
        tags: ['enroll secrets'],
        params: Type.Object({ ref: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: EnrollSecretSchema, 404: ProblemSchema },
      },
    },
    async (request) => app.enrollSecrets.revoke(request.params.ref, requestActor(request)),
  );
};

export default enrollSecretsRoutes;
