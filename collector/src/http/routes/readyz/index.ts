import { ProblemTypes } from '@stocktake/shared';
import { NotReadySchema, type ReadinessCheck, ReadinessSchema } from '@stocktake/shared/api';
import type { FastifyPluginAsync } from 'fastify';
import { PROBLEM_CONTENT_TYPE } from '../../plugins/problems/index.ts';

/**
 * A check's result is reused for this long: the route needs no token and makes a write, so
 * however often it is asked, the store sees at most one probe a second.
 */
const REUSE_MS = 1000;

/** Seconds a load balancer may wait before asking again after a failed check. */
const RETRY_AFTER_SECONDS = 10;

/**
 * `/readyz`: whether the collector can take traffic. The store takes a small write, its schema
 * is the one this collector expects, and its disk has the configured free space; otherwise
 * 503 problem details naming the failing checks, with every check listed.
 */
const readinessRoutes: FastifyPluginAsync = async (app) => {
  let latest: { at: number; checks: Promise<ReadinessCheck[]> } | undefined;
  const check = (): Promise<ReadinessCheck[]> => {
    const now = Date.now();
    if (!latest || now - latest.at >= REUSE_MS) {
      latest = { at: now, checks: app.stores.readiness({ minFreeBytes: app.settings.minFreeDiskBytes }) };
    }
    return latest.checks;
  };

  app.get(
    '',
    {
      schema: {
        summary: 'Readiness: the database takes writes, has the expected schema and enough free disk',
        tags: ['health'],
        response: { 200: ReadinessSchema, 503: NotReadySchema },
      },
    },
    async (request, reply) => {
      const checks = await check();
      const failed = checks.filter((c) => !c.ok);
      if (failed.length === 0) return { status: 'ready' as const, version: app.collectorVersion, checks };
      const detail = `Not ready: ${failed.map((c) => `${c.name}: ${c.detail}`).join('; ')}`;
      request.log.warn({ checks: failed }, 'not ready');
      return reply
        .code(503)
        .type(PROBLEM_CONTENT_TYPE)
        .header('retry-after', String(RETRY_AFTER_SECONDS))
        .send({ type: ProblemTypes.notReady, title: 'Not Ready', status: 503, detail, instance: request.url, checks });
    },
  );
};

export default readinessRoutes;
