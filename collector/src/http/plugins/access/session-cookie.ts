import { SESSION_COOKIE } from '@stocktake/shared/api';
import { parseCookie, stringifySetCookie } from 'cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_ABSOLUTE_MS, SESSION_TOKEN_PREFIX } from '../../../domain/access/sessions.ts';

/** The session token the request's cookie holds, if it holds one of ours. */
export function sessionTokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  const value = parseCookie(header)[SESSION_COOKIE];
  return value?.startsWith(`${SESSION_TOKEN_PREFIX}_`) ? value : undefined;
}

/**
 * The cookie's attributes: out of scripts' reach (HttpOnly), never sent with another site's
 * request (SameSite=Strict), only over TLS when the request came over TLS (directly, or through a
 * trusted proxy that says so), for the whole collector (the console and the API share it).
 */
function attributes(request: FastifyRequest) {
  return { httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https', path: '/' } as const;
}

/** Sets the session cookie; the browser drops it at the session's absolute limit, the server ends it sooner when idle. */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
  reply.header(
    'set-cookie',
    stringifySetCookie({
      name: SESSION_COOKIE,
      value: token,
      ...attributes(request),
      maxAge: Math.floor(SESSION_ABSOLUTE_MS / 1000),
    }),
  );
}

/** Tells the browser to forget the session cookie. */
export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.header(
    'set-cookie',
    stringifySetCookie({ name: SESSION_COOKIE, value: '', ...attributes(request), maxAge: 0 }),
  );
}
