import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ProblemSchema } from '@stocktake/shared';
import {
  IncludeDisabledQuerySchema,
  PasswordResetSchema,
  UserCreateSchema,
  UserListSchema,
  UserParamsSchema,
  UserSchema,
  UserWithPasswordSchema,
} from '@stocktake/shared/api';
import type { FastifyPluginAsync } from 'fastify';
import { generatePassword } from '../../../../../domain/access/passwords.ts';
import { requestActor } from '../../../../principal.ts';

/**
 * `/api/v1/users`: people's accounts, for admins. The collector host has the same as
 * `stocktake-collector user`. A password left out is made here and answered once.
 */
const usersRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/',
    {
      schema: {
        summary: 'People’s accounts (never their passwords), enabled ones unless includeDisabled',
        tags: ['users'],
        querystring: IncludeDisabledQuerySchema,
        response: { 200: UserListSchema, 400: ProblemSchema },
      },
    },
    async (request) => ({ items: await app.stores.users.list({ includeDisabled: request.query.includeDisabled }) }),
  );

  app.post(
    '/',
    {
      schema: {
        summary: 'Create an account; a password the collector makes is in this response only',
        tags: ['users'],
        body: UserCreateSchema,
        response: { 201: UserWithPasswordSchema, 400: ProblemSchema, 409: ProblemSchema },
      },
    },
    async (request, reply) => {
      const made = request.body.password === undefined ? generatePassword() : undefined;
      const password = request.body.password ?? (made as string);
      const user = await app.stores.users.create({ ...request.body, password }, requestActor(request));
      return reply.code(201).send({ ...user, ...(made ? { password: made } : {}) });
    },
  );

  app.post(
    '/:name/disable',
    {
      schema: {
        summary: 'Disable an account: it can no longer log in, and its sessions end now',
        tags: ['users'],
        params: UserParamsSchema,
        response: { 200: UserSchema, 404: ProblemSchema },
      },
    },
    async (request) => app.stores.users.disable(request.params.name, requestActor(request)),
  );

  app.post(
    '/:name/reset-password',
    {
      schema: {
        summary: 'Give an account a new password (made here when none is given); its sessions end now',
        tags: ['users'],
        params: UserParamsSchema,
        body: PasswordResetSchema,
        response: { 200: UserWithPasswordSchema, 400: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (request) => {
      const made = request.body.password === undefined ? generatePassword() : undefined;
      const user = await app.stores.users.resetPassword(
        request.params.name,
        request.body.password ?? (made as string),
        requestActor(request),
      );
      return { ...user, ...(made ? { password: made } : {}) };
    },
  );
};

export default usersRoutes;
