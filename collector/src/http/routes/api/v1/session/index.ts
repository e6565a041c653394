import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ProblemSchema } from '@stocktake/shared';
import { LoginSchema, NoContentSchema, type Session, SessionSchema } from '@stocktake/shared/api';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { logIn, TooManyLoginsError } from '../../../../../domain/access/login.ts';
import { csrfTokenOf } from '../../../../../domain/access/sessions.ts';
import { clearSessionCookie, setSessionCookie } from '../../../../plugins/access/session-cookie.ts';
import { HttpProblem } from '../../../../plugins/problems/problem.ts';

/** Who the request's credential names. */
function whoIs(request: FastifyRequest): Session {
  const principal = request.principal;
  if (principal?.kind === 'user') {
    return {
      kind: 'user',
      name: principal.user.name,
      role: principal.user.role,
      expiresAt: principal.expiresAt,
      csrfToken: csrfTokenOf(principal.sessionToken),
    };
  }
  if (principal?.kind === 'token') {
    return { kind: 'token', name: principal.token.name, role: principal.token.role, expiresAt: null, csrfToken: null };
  }
  throw HttpProblem.unauthorized('This route needs a session or an API token');
}

/**
 * `/api/v1/session`: people log in with a name and password and get a session cookie, ask who
 * they are (and their CSRF token), and log out. Scripts keep their bearer tokens.
 */
const sessionRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/',
    {
      schema: {
        summary: 'Log in: a session cookie (HttpOnly, SameSite=Strict, Secure under TLS) and its CSRF token',
        description:
          'Failed logins are limited per account and per client address; past the limit the answer is 429 with Retry-After, whatever the password.',
        tags: ['session'],
        body: LoginSchema,
        response: { 200: SessionSchema, 400: ProblemSchema, 401: ProblemSchema, 429: ProblemSchema },
      },
    },
    async (request, reply) => {
      let session: Awaited<ReturnType<typeof logIn>>;
      try {
        session = await logIn(app.stores.users, app.loginThrottle, { ...request.body, address: request.ip });
      } catch (err) {
        if (!(err instanceof TooManyLoginsError)) throw err;
        reply.header('retry-after', String(err.retryAfterSeconds));
        throw HttpProblem.tooManyRequests(err.message);
      }
      if (!session) {
        request.log.info({ user: request.body.name }, 'login refused');
        throw HttpProblem.unauthorized('Wrong name or password, or the account is disabled');
      }
      request.log.info({ user: session.user.name }, 'logged in');
      setSessionCookie(request, reply, session.token);
      return {
        kind: 'user' as const,
        name: session.user.name,
        role: session.user.role,
        expiresAt: session.expiresAt,
        csrfToken: csrfTokenOf(session.token),
      };
    },
  );

  app.get(
    '/',
    {
      schema: {
        summary: 'Who is calling: the logged-in person (with the session’s CSRF token) or the API token',
        tags: ['session'],
        response: { 200: SessionSchema },
      },
    },
    async (request) => whoIs(request),
  );

  app.delete(
    '/',
    {
      schema: {
        summary: 'Log out: the session ends and its cookie is cleared',
        description:
          'Takes the session’s CSRF token like every write made with the cookie. An API token has no session to end: revoke it instead.',
        tags: ['session'],
        response: { 204: NoContentSchema, 400: ProblemSchema },
      },
    },
    async (request, reply) => {
      const principal = request.principal;
      if (principal?.kind !== 'user') {
        throw HttpProblem.validation('This request came with an API token, not a session: revoke tokens instead', []);
      }
      await app.stores.users.endSession(principal.sessionToken);
      clearSessionCookie(request, reply);
      return reply.code(204).send(null);
    },
  );
};

export default sessionRoutes;
