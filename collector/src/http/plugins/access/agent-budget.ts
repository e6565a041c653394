import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { HttpProblem } from '../problems/problem.ts';

export interface AgentBudgetOptions {
  /** Snapshots and deltas one agent may send per minute (0: no limit). */
  requestsPerMinute: number;
  /** Bytes of snapshot and delta bodies one agent may send per minute (0: no limit). */
  bytesPerMinute: number;
  /** Milliseconds now (tests move it). */
  now?: () => number;
}

export type BudgetAnswer = { ok: true } | { ok: false; retryAfterSeconds: number; detail: string };

interface Bucket {
  requests: number;
  bytes: number;
  at: number;
}

const MINUTE_MS = 60_000;
/** Buckets kept before the full ones (agents quiet for a minute) are dropped. */
const SWEEP_ABOVE = 10_000;

/**
 * What each agent may push: a token bucket per agent for requests and one for bytes, each
 * refilled continuously at its per-minute rate and holding at most a minute's worth. A body
 * larger than what is left is taken on credit; the agent then waits until the debt is paid.
 * The HTTP routes and the live channel draw on the same buckets, so switching transport
 * buys nothing. In memory: a restart forgives everyone.
 */
export function createAgentBudget(opts: AgentBudgetOptions) {
  const now = opts.now ?? Date.now;
  const buckets = new Map<string, Bucket>();

  const refill = (b: Bucket, t: number) => {
    const minutes = (t - b.at) / MINUTE_MS;
    b.requests = Math.min(opts.requestsPerMinute, b.requests + minutes * opts.requestsPerMinute);
    b.bytes = Math.min(opts.bytesPerMinute, b.bytes + minutes * opts.bytesPerMinute);
    b.at = t;
  };

  const sweep = (t: number) => {
    for (const [id, b] of buckets) {
      refill(b, t);
      if (b.requests >= opts.requestsPerMinute && b.bytes >= opts.bytesPerMinute) buckets.delete(id);
    }
  };

  return {
    /** Takes one request of `bytes` from the agent's budget, or says how long to wait. */
    take(agentId: string, bytes: number): BudgetAnswer {
      const t = now();
      if (buckets.size > SWEEP_ABOVE) sweep(t);
      let b = buckets.get(agentId);
      if (!b) {
        b = { requests: opts.requestsPerMinute, bytes: opts.bytesPerMinute, at: t };
        buckets.set(agentId, b);
      }
      refill(b, t);
      if (opts.requestsPerMinute > 0 && b.requests < 1) {
        return {
          ok: false,
          retryAfterSeconds: Math.max(1, Math.ceil(((1 - b.requests) / opts.requestsPerMinute) * 60)),
          detail: `This agent sent more than ${opts.requestsPerMinute} snapshots or deltas in a minute`,
        };
      }
      if (opts.bytesPerMinute > 0 && b.bytes <= 0) {
        return {
          ok: false,
          retryAfterSeconds: Math.max(1, Math.ceil(((1 - b.bytes) / opts.bytesPerMinute) * 60)),
          detail: `This agent sent more than ${opts.bytesPerMinute} bytes of snapshots and deltas in a minute`,
        };
      }
      if (opts.requestsPerMinute > 0) b.requests -= 1;
      if (opts.bytesPerMinute > 0) b.bytes -= bytes;
      return { ok: true };
    },
  };
}

export type AgentBudget = ReturnType<typeof createAgentBudget>;

declare module 'fastify' {
  interface FastifyInstance {
    agentBudget?: AgentBudget;
  }
}

/** A refused body past this many bytes is left unread, its connection closed (a normal snapshot is far smaller). */
const LARGE_UNREAD_BODY = 1024 * 1024;

/** The routes that carry inventories (the live channel checks its messages itself). */
const INGEST_ROUTES = new Set(['/api/v1/agent/snapshots', '/api/v1/agent/deltas']);

/** The 429 a spent budget answers, with the wait in Retry-After (HTTP) or in the detail (live channel). */
export function budgetProblem(answer: Extract<BudgetAnswer, { ok: false }>): HttpProblem {
  return HttpProblem.tooManyRequests(`${answer.detail}; retry in ${answer.retryAfterSeconds} s`);
}

/**
 * Per-agent limits on snapshots and deltas, checked when the request arrives: after the token
 * (access hook) and before a byte of the body is read, so a spent budget costs nothing to refuse.
 * The declared Content-Length is what is charged; a body without one is charged as the
 * largest the route takes.
 */
export default fp<AgentBudgetOptions>(
  async (app: FastifyInstance, opts) => {
    if (opts.requestsPerMinute <= 0 && opts.bytesPerMinute <= 0) return;
    const budget = createAgentBudget(opts);
    app.decorate('agentBudget', budget);
    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const agent = request.agent;
      if (!agent || request.method !== 'POST' || !INGEST_ROUTES.has(request.routeOptions.url ?? '')) return;
      const limit = request.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit ?? 0;
      const declared = Number(request.headers['content-length']);
      // A body over the route's limit is refused by Fastify (413) without being read: nothing to charge.
      if (Number.isFinite(declared) && declared > limit) return;
      const answer = budget.take(agent.id, Number.isFinite(declared) ? declared : limit);
      if (answer.ok) return;
      reply.header('retry-after', String(answer.retryAfterSeconds));
      // Node would otherwise read the unread body to the end to keep the connection: for a large
      // one, refused so that it costs nothing, closing the connection after the answer is cheaper.
      if (!Number.isFinite(declared) || declared > LARGE_UNREAD_BODY) reply.header('connection', 'close');
      throw budgetProblem(answer);
    });
  },
  { name: 'agent-budget', dependencies: ['access'] },
);
