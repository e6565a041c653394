import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { metricFamilies } from '../test-support/prometheus-text.ts';
import { createPrometheusMetrics } from './prometheus.ts';

const MONITORING = resolve(import.meta.dirname, '..', '..', '..', 'docs', 'monitoring');

/** Every `expr` anywhere in a document (dashboard targets, alert rules). */
function expressions(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(expressions);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === 'expr' && typeof inner === 'string' ? [inner] : expressions(inner),
  );
}

/**
 * The metric names a PromQL expression selects: every identifier left once functions (followed
 * by "("), the label lists of `by (...)`, label matchers, ranges, numbers and strings are set
 * aside.
 */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\[[^\]]*\]/g, '[]')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const names: string[] = [];
  // Not inside a number (0.95, 1e3).
  for (const match of bare.matchAll(/(?<![\w.])[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const after = bare.slice((match.index ?? 0) + match[0].length).trimStart();
    if (after.startsWith('(')) continue;
    if (['and', 'or', 'unless', 'bool', 'offset'].includes(match[0])) continue;
    names.push(match[0]);
  }
  return names;
}

/** The families a scrape of the collector declares; a histogram's series carry _bucket, _sum and _count. */
async function exposed(): Promise<Set<string>> {
  const families = metricFamilies(await createPrometheusMetrics('test').render());
  const names = new Set<string>();
  for (const [name, kind] of families) {
    names.add(name);
    if (kind === 'histogram' || kind === 'summary') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
  }
  return names;
}

describe('docs/monitoring', () => {
  it('the Grafana dashboard is JSON whose every query reads metrics the collector exposes', async () => {
    const dashboard = JSON.parse(readFileSync(resolve(MONITORING, 'grafana-dashboard.json'), 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    const queries = expressions(dashboard);
    expect(dashboard.panels.length).toBeGreaterThan(0);
    expect(queries.length).toBeGreaterThanOrEqual(dashboard.panels.length);
    const known = await exposed();
    const used = new Set(queries.flatMap(metricNames));
    expect([...used].filter((name) => !known.has(name))).toEqual([]);
    // What the dashboard is for: each of these is on it.
    for (const name of [
      'stocktake_ingests_total',
      'stocktake_ingest_duration_seconds_bucket',
      'stocktake_write_batches_total',
      'stocktake_write_batch_units_total',
      'stocktake_write_queue_depth',
      'stocktake_agents_online',
      'stocktake_findings_open',
      'stocktake_reconciliation_last_success_timestamp_seconds',
      'stocktake_reconciliation_last_success_duration_seconds',
      'stocktake_webhook_attempts_total',
      'stocktake_database_bytes',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(used, name).toContain(name);
    }
  });

  it('the alert rules parse, name metrics the collector exposes, and cover reports, reconciliation and the webhook', async () => {
    const rules = parse(readFileSync(resolve(MONITORING, 'alerts.yml'), 'utf8')) as {
      groups: { name: string; rules: { alert: string; expr: string; labels: { severity: string } }[] }[];
    };
    const all = rules.groups.flatMap((g) => g.rules);
    for (const rule of all) {
      expect(rule.alert).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(['critical', 'warning', 'info']).toContain(rule.labels.severity);
    }
    const known = await exposed();
    const used = new Set(all.flatMap((r) => metricNames(r.expr)));
    expect([...used].filter((name) => !known.has(name))).toEqual([]);
    expect(all.map((r) => r.alert)).toEqual(
      expect.arrayContaining(['StocktakeNoReports', 'StocktakeReconciliationFailing', 'StocktakeWebhookFailing']),
    );
  });

  it('the metric-name check finds the metrics in a query and nothing else', () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (kind, le) (rate(stocktake_ingest_duration_seconds_bucket{instance=~"$instance"}[5m])))',
      ),
    ).toEqual(['stocktake_ingest_duration_seconds_bucket']);
    expect(metricNames('time() - max(stocktake_x{a="b"}) > 3600 and on() up')).toEqual(['stocktake_x', 'up']);
    expect(metricNames('sum by (instance) (increase(stocktake_y[2h])) == 0 or vector(1e3)')).toEqual(['stocktake_y']);
  });
});
