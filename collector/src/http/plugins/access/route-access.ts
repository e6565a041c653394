import { CONSOLE_SECTIONS, CONSOLE_STATIC_PREFIX } from '@stocktake/console';
import type { ApiRole } from '@stocktake/shared/api';

/**
 * Who may call a route: anyone (`public`), agents with their own token (`agent`), holders
 * of an API token with at least `role` (`api`), or a metrics scraper with the metrics token
 * (`metrics`), which opens nothing else.
 */
export type RouteAccess = { kind: 'public' } | { kind: 'agent' } | { kind: 'api'; role: ApiRole } | { kind: 'metrics' };

const PUBLIC: RouteAccess = { kind: 'public' };
const AGENT: RouteAccess = { kind: 'agent' };
const READER: RouteAccess = { kind: 'api', role: 'reader' };
const ADMIN: RouteAccess = { kind: 'api', role: 'admin' };
const METRICS: RouteAccess = { kind: 'metrics' };

/** Routes that only read. HEAD comes with every GET. */
const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * Managing credentials is for admins, reading included: token names, secret ages and where each
 * agent calls from are not for everyone.
 */
const ADMIN_ONLY_PREFIXES = [
  '/api/v1/tokens',
  '/api/v1/enroll-secrets',
  '/api/v1/agents',
  '/api/v1/enrolment-blocks',
  '/api/v1/users',
];

/** Logging in is open to all; who am I and logging out are for anyone logged in (a reader too). */
const SESSION = '/api/v1/session';

/**
 * The console's page shell (at / and its sections) and its scripts: open to all, as a login page
 * must be. They hold no data; everything shown comes from the API, which asks for the session.
 */
const CONSOLE_PAGE = new RegExp(`^/(?:(?:${CONSOLE_SECTIONS.join('|')})(?:/\\*)?)?$`);
const CONSOLE_STATIC = `${CONSOLE_STATIC_PREFIX}*`;

const under = (url: string, prefix: string) => url === prefix || url.startsWith(`${prefix}/`);

/**
 * The access rule of a route, from its method and its registered path (`/api/v1/devices/:id`,
 * not the URL asked for). The one table of who may do what: the authentication hook, the
 * OpenAPI security of each operation and the route tests all read it.
 */
export function routeAccess(method: string, url: string): RouteAccess {
  const m = method.toUpperCase();
  // CORS preflights carry no credentials by design; the CORS plugin answers them when configured.
  if (m === 'OPTIONS') return PUBLIC;
  if (url === '/healthz' || url === '/readyz' || url === '/openapi.json' || under(url, '/docs')) return PUBLIC;
  if (m === 'POST' && url === '/api/v1/agent/enroll') return PUBLIC;
  if (READ_METHODS.has(m) && (CONSOLE_PAGE.test(url) || url === CONSOLE_STATIC)) return PUBLIC;
  // Other tools' agents carry no credential of ours: the route admits them by its own rule
  // (the enroll secret in the path, the network they report from), before reading the body.
  if (m === 'POST' && under(url, '/ocsinventory')) return PUBLIC;
  if (url === SESSION) return m === 'POST' ? PUBLIC : READER;
  if (url === '/metrics') return METRICS;
  if (under(url, '/api/v1/agent')) return AGENT;
  if (ADMIN_ONLY_PREFIXES.some((p) => under(url, p))) return ADMIN;
  return READ_METHODS.has(m) ? READER : ADMIN;
}

/** Whether a token of role `has` may use a route that needs `needs`: admins may do all a reader may. */
export function roleSatisfies(has: ApiRole, needs: ApiRole): boolean {
  return has === 'admin' || needs === 'reader';
}
