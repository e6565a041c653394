import { FINDING_SEVERITIES, type FindingSeverity } from '@stocktake/shared/api';
import { validateDetailed } from 'node-cron';
import { ConfigError } from './config.ts';
import { DEFAULT_RECONCILE_CRON } from './config-settings.ts';
import { loadPolicyFile, PolicyError, type PolicyInput } from './domain/findings/policies.ts';

export { DEFAULT_RECONCILE_CRON } from './config-settings.ts';

export interface ReconciliationConfig {
  /** The policy file given with --policies, read and checked at start. */
  policiesFile?: string;
  policies?: PolicyInput;
  /** Cron expression of the scheduled run; null when scheduling is off. */
  schedule: string | null;
  /** Webhook settings from the command line or environment; they win over the policy's. */
  webhookUrl?: string;
  webhookMinSeverity?: FindingSeverity;
}

/** Checks a cron expression the way node-cron will read it; the error names the bad field. */
export function checkCron(key: string, expression: string): string {
  const result = validateDetailed(expression);
  if (!result.valid) {
    const detail = result.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    throw new ConfigError(key, `"${expression}" is not a cron expression (${detail}); e.g. "*/15 * * * *"`);
  }
  return expression;
}

/** Reconciliation's flags and environment variables (flags win), with the policy file read and checked. */
export function resolveReconciliationConfig(
  pick: (flag: string, envName: string) => string | undefined,
): ReconciliationConfig {
  const cron = pick('reconcile-cron', 'STOCKTAKE_RECONCILE_CRON') ?? DEFAULT_RECONCILE_CRON;
  const schedule = cron.trim().toLowerCase() === 'off' ? null : checkCron('reconcile-cron', cron.trim());
  const out: ReconciliationConfig = { schedule };
  const file = pick('policies', 'STOCKTAKE_POLICIES');
  if (file) {
    try {
      out.policies = loadPolicyFile(file);
      out.policiesFile = file;
    } catch (err) {
      if (err instanceof PolicyError) throw new ConfigError('policies', err.message);
      throw err;
    }
  }
  const url = pick('webhook-url', 'STOCKTAKE_WEBHOOK_URL');
  if (url) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      throw new ConfigError('webhook-url', `"${url}" is not an http or https URL`);
    }
    out.webhookUrl = url;
  }
  const severity = pick('webhook-min-severity', 'STOCKTAKE_WEBHOOK_MIN_SEVERITY');
  if (severity !== undefined) {
    if (!(FINDING_SEVERITIES as readonly string[]).includes(severity)) {
      throw new ConfigError('webhook-min-severity', `"${severity}" is not one of ${FINDING_SEVERITIES.join(', ')}`);
    }
    out.webhookMinSeverity = severity as FindingSeverity;
  }
  return out;
}

/** The app options (buildApp's `reconciliation`) for a resolved configuration. */
export function reconciliationOptions(config: ReconciliationConfig) {
  return {
    schedule: config.schedule,
    ...(config.policies ? { policies: config.policies } : {}),
    ...(config.policiesFile ? { policiesSource: config.policiesFile } : {}),
    ...(config.webhookUrl ? { webhookUrl: config.webhookUrl } : {}),
    ...(config.webhookMinSeverity ? { webhookMinSeverity: config.webhookMinSeverity } : {}),
  };
}
