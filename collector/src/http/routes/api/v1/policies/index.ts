import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ProblemSchema } from '@stocktake/shared';
import {
  EndOfSupportListSchema,
  EndOfSupportReplaceSchema,
  PolicyInputSchema,
  StoredPolicySchema,
} from '@stocktake/shared/api';
import type { FastifyPluginAsync } from 'fastify';
import { PolicyError, type PolicyInput, validatePolicyInput } from '../../../../../domain/findings/policies.ts';
import type { StoredPolicy } from '../../../../../domain/findings/ports.ts';
import { HttpProblem } from '../../../../plugins/problems/problem.ts';
import { requestActor } from '../../../../principal.ts';

const policiesRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const repo = () => app.reconciliation.policies;

  /** Checks and stores a document; a bad key is a 400 naming it. */
  const store = (document: unknown, actor: string): Promise<StoredPolicy> => {
    let input: PolicyInput;
    try {
      input = validatePolicyInput(document);
    } catch (err) {
      if (err instanceof PolicyError) throw HttpProblem.validation(err.message, err.errors);
      throw err;
    }
    return repo().replace(input, actor, 'api');
  };

  app.get(
    '/',
    {
      schema: {
        summary: 'The reconciliation policy: the document as stored and the policy in force (defaults filled in)',
        tags: ['policies'],
        response: { 200: StoredPolicySchema },
      },
    },
    async () => repo().current(),
  );

  app.put(
    '/',
    {
      schema: {
        summary: 'Replace the reconciliation policy document; omitted keys take their defaults (audited)',
        tags: ['policies'],
        body: PolicyInputSchema,
        response: { 200: StoredPolicySchema, 400: ProblemSchema },
      },
    },
    async (request) => store(request.body, requestActor(request)),
  );

  app.get(
    '/end-of-support',
    {
      schema: {
        summary: 'Operating systems and the day their support ends, as unpatched_device checks them',
        tags: ['policies'],
        response: { 200: EndOfSupportListSchema },
      },
    },
    async () => {
      const { document, policy } = await repo().current();
      return { items: policy.endOfSupport, custom: document.endOfSupport !== undefined };
    },
  );

  app.put(
    '/end-of-support',
    {
      schema: {
        summary: 'Replace the end-of-support list (first matching entry wins); audited',
        tags: ['policies'],
        body: EndOfSupportReplaceSchema,
        response: { 200: EndOfSupportListSchema, 400: ProblemSchema },
      },
    },
    async (request) => {
      const { document } = await repo().current();
      const stored = await store({ ...document, endOfSupport: request.body.items }, requestActor(request));
      return { items: stored.policy.endOfSupport, custom: true };
    },
  );

  app.delete(
    '/end-of-support',
    {
      schema: {
        summary: 'Go back to the end-of-support list shipped with the collector',
        tags: ['policies'],
        response: { 200: EndOfSupportListSchema },
      },
    },
    async (request) => {
      const { endOfSupport: _dropped, ...rest } = (await repo().current()).document;
      const stored = await store(rest, requestActor(request));
      return { items: stored.policy.endOfSupport, custom: false };
    },
  );
};

export default policiesRoutes;
