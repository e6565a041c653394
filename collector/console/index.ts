/**
 * The console as the collector serves it: the folder `pnpm build` (or the test set-up) writes
 * the built pages to, and the client routes the collector answers with the page shell.
 */
export const CONSOLE_ASSETS = new URL('./dist/', import.meta.url);

/**
 * The first path segment of every page of the console: `/devices`, `/devices/<id>`, ... The
 * collector answers these (and `/`) with the page shell, and nothing else: an unknown path stays
 * a 404 problem, and /api, /docs and /healthz are never shadowed.
 */
export const CONSOLE_SECTIONS = ['login', 'devices', 'assets', 'licenses', 'findings', 'software', 'admin'] as const;
export type ConsoleSection = (typeof CONSOLE_SECTIONS)[number];

/** Where the built scripts and styles are served from (hashed names: cached for good). */
export const CONSOLE_STATIC_PREFIX = '/static/';
