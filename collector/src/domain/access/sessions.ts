import { createHash } from 'node:crypto';
import { newToken, secretsEqual } from './tokens.ts';

/** Prefix of session tokens (the cookie's value): neither an API nor an agent token. */
export const SESSION_TOKEN_PREFIX = 'sts';

/**
 * A session ends after an hour without a request (a console left open on an unattended desk) and
 * twelve hours after login whatever its use (a working day): the person logs in again.
 */
export const SESSION_IDLE_MS = 60 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;

/** A session's last use is written at most once a minute, so reading pages does not turn into a write each. */
export const SESSION_TOUCH_MS = 60 * 1000;

export function newSessionToken(): string {
  return newToken(SESSION_TOKEN_PREFIX);
}

/**
 * The session's CSRF token, derived from the session token the cookie holds: the server keeps
 * nothing more, a page learns it from the login or `GET /api/v1/session`, and another origin can
 * read neither the cookie (HttpOnly) nor those answers (no CORS with credentials).
 */
export function csrfTokenOf(sessionToken: string): string {
  return createHash('sha256').update(`csrf:${sessionToken}`).digest('base64url');
}

/** Whether a request's CSRF header carries this session's token. */
export function csrfTokenMatches(sessionToken: string, given: string | undefined): boolean {
  return given !== undefined && secretsEqual(csrfTokenOf(sessionToken), given);
}

/** When a session made at `createdAt` and last used at `lastSeenAt` ends. */
export function sessionExpiry(createdAt: Date, lastSeenAt: Date): Date {
  return new Date(Math.min(createdAt.getTime() + SESSION_ABSOLUTE_MS, lastSeenAt.getTime() + SESSION_IDLE_MS));
}
