import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ProblemSchema } from '@stocktake/shared';
import {
  EnrollSecretListSchema,
  EnrollSecretRotateSchema,
  EnrollSecretRotationSchema,
  EnrollSecretSchema,
  IncludeRevokedQuerySchema,
  RefParamsSchema,
} from '@stocktake/shared/api';
import type { FastifyPluginAsync } from 'fastify';
import { requestActor } from '../../../../principal.ts';

/** `/api/v1/enroll-secrets`: the secrets agents enrol with, for admins. */
const enrollSecretsRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/',
    {
      schema: {
        summary: 'Enroll secrets (fingerprints, never the secrets), live ones unless includeRevoked',
        tags: ['enroll secrets'],
        querystring: IncludeRevokedQuerySchema,
        response: { 200: EnrollSecretListSchema, 400: ProblemSchema },
      },
    },
    async (request) => ({
      items: await app.stores.enrollSecrets.list({ includeRevoked: request.query.includeRevoked }),
    }),
  );

  app.post(
    '/rotate',
    {
      schema: {
        summary:
          'Make a new enroll secret (in this response only) and revoke the others unless keepPrevious; enrolled agents are not affected',
        tags: ['enroll secrets'],
        body: EnrollSecretRotateSchema,
        response: { 201: EnrollSecretRotationSchema, 400: ProblemSchema },
      },
    },
    async (request, reply) => {
      const rotated = await app.stores.enrollSecrets.rotate(requestActor(request), {
        keepPrevious: request.body.keepPrevious === true,
      });
      return reply.code(201).send(rotated);
    },
  );

  app.delete(
    '/:ref',
    {
      schema: {
        summary: 'Revoke a live enroll secret by id or fingerprint',
        tags: ['enroll secrets'],
        params: RefParamsSchema,
        response: { 200: EnrollSecretSchema, 404: ProblemSchema },
      },
    },
    async (request) => app.stores.enrollSecrets.revoke(request.params.ref, requestActor(request)),
  );
};

export default enrollSecretsRoutes;
