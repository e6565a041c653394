import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 random bits, URL-safe: long enough that guessing is hopeless, short enough for a header. */
export function newToken(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Constant-time comparison of two secrets of any length. */
export function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** The token of an `Authorization: Bearer <token>` header, if there is one. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** Prefix of API tokens, so a leaked one is recognisable in a scan. */
export const API_TOKEN_PREFIX = 'stk';

/** Prefix of agent tokens: the access check tells the two kinds apart by it. */
export const AGENT_TOKEN_PREFIX = 'sta';

/** Names that already mean something in the audit log. */
const RESERVED_NAMES = new Set(['api', 'discovery', 'reconciliation', 'system']);

/** Letters, digits and `. _ - @ +`, up to 64, not all digits (those are ids): fits an e-mail address or `ci-deploy`. */
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$/;

/**
 * The token id a reference names: canonical decimal digits only, so `01` or an id past the
 * integers a number holds exactly never names another token. Undefined for a name.
 */
export function tokenIdOf(ref: string): number | undefined {
  const id = Number(ref);
  return /^\d+$/.test(ref) && Number.isSafeInteger(id) && String(id) === ref ? id : undefined;
}

/** Why a token name is refused, or undefined when it is fine. */
export function tokenNameProblem(name: string): string | undefined {
  if (!NAME_PATTERN.test(name)) return 'must be 1 to 64 letters, digits or . _ - @ +, starting with a letter or digit';
  if (/^\d+$/.test(name)) return 'must not be only digits (those name token ids)';
  if (RESERVED_NAMES.has(name.toLowerCase())) return `"${name}" is reserved`;
  return undefined;
}
