import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { CONSOLE_ASSETS, CONSOLE_SECTIONS, CONSOLE_STATIC_PREFIX } from '@stocktake/console';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { HttpProblem } from './problems/problem.ts';

/**
 * What the page may load: its own scripts, styles and API, nothing inline and nothing from
 * elsewhere. No inline script means an injected `<script>` or `onclick=` does not run; the
 * console sets its few computed widths through the DOM, which `style-src 'self'` allows.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export interface ConsolePluginOptions {
  /** The built console (default: the package's dist/, as `pnpm build` writes it). */
  dir?: URL;
}

/**
 * The web console at `/`: the page shell for `/` and each of the console's own sections (its
 * client routes, so a reload or a link to `/devices/<id>` works), and its scripts and styles
 * under /static/ (hashed names, kept a year; gzipped copies sent to browsers that take them).
 * Only those paths: /api, /docs and /healthz are never shadowed, and an unknown path is still a
 * 404 problem.
 */
export default fp<ConsolePluginOptions>(
  async (app: FastifyInstance, options) => {
    const dir = options.dir ?? CONSOLE_ASSETS;
    const shellFile = fileURLToPath(new URL('index.html', dir));
    let shell: Buffer | undefined;

    await app.register(fastifyStatic, {
      root: fileURLToPath(new URL(CONSOLE_STATIC_PREFIX.slice(1), dir)),
      prefix: CONSOLE_STATIC_PREFIX,
      preCompressed: true,
      immutable: true,
      maxAge: '365d',
      index: false,
      decorateReply: false,
      // A console not built yet (a test that never needed it) is no reason for the collector to fail.
      wildcard: true,
    });

    const page = async (_request: unknown, reply: FastifyReply) => {
      shell ??= await readFile(shellFile).catch(() => undefined);
      if (!shell) {
        throw HttpProblem.notFound(
          'The web console is not built: run pnpm build (the API is at /api/v1, its reference at /docs)',
        );
      }
      return reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', CONSOLE_CSP)
        .header('x-frame-options', 'DENY')
        .header('referrer-policy', 'same-origin')
        .header('cache-control', 'no-cache')
        .send(shell);
    };
    const hidden = { schema: { hide: true } };
    app.get('/', hidden, page);
    for (const section of CONSOLE_SECTIONS) {
      app.get(`/${section}`, hidden, page);
      app.get(`/${section}/*`, hidden, page);
    }
  },
  { name: 'console' },
);
