import type { FindingSeverity } from '@stocktake/shared/api';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createReconciliation, type Reconciliation } from '../../compose/reconciliation-services.ts';
import { createWebhookNotifier, type WebhookOptions } from '../../domain/findings/notifier.ts';
import type { PolicyInput } from '../../domain/findings/policies.ts';

declare module 'fastify' {
  interface FastifyInstance {
    reconciliation: Reconciliation;
  }
}

export interface ReconciliationPluginOptions {
  /** A policy document read from --policies: stored at start (audited when it changes what is stored). */
  policies?: PolicyInput;
  policiesSource?: string;
  /** Webhook from flags or environment; wins over the policy's notifications settings. */
  webhookUrl?: string;
  webhookMinSeverity?: FindingSeverity;
  webhook?: WebhookOptions;
}

/** Findings, reconciliation runs, policies and webhook notifications. */
export default fp<ReconciliationPluginOptions>(
  async (app: FastifyInstance, opts) => {
    const reconciliation = createReconciliation(app.db, app.sqlite, app);
    if (opts.policies) {
      reconciliation.policies.replace(
        opts.policies,
        `config:${opts.policiesSource ?? 'policies file'}`,
        'loaded at start',
      );
    }
    const notifier = createWebhookNotifier(
      (policy) => {
        const url = opts.webhookUrl ?? policy.notifications.webhookUrl;
        if (!url) return undefined;
        return { url, minSeverity: opts.webhookMinSeverity ?? policy.notifications.minSeverity };
      },
      app.log,
      opts.webhook,
    );
    reconciliation.onOpened((opened, run, policy) => notifier.notify(opened, run, policy));
    app.decorate('reconciliation', reconciliation);
    app.addHook('onClose', async () => notifier.close());
  },
  { name: 'reconciliation', dependencies: ['services'] },
);
