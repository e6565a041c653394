import type { ReconciliationRun, TypeCounts } from '@stocktake/shared/api';
import type { CommandSpec } from '../command.ts';

const COUNTS: (keyof TypeCounts)[] = ['opened', 'recurred', 'returned', 'resolved', 'open'];

export const reconcile: CommandSpec = {
  path: ['reconcile'],
  summary: 'Run reconciliation now and print its summary',
  details: [
    'The collector matches devices to the register and re-evaluates every finding. Refused with exit 1 while another run is in progress.',
  ],
  examples: ['stocktake reconcile', 'stocktake reconcile --json | jq .counts.totals'],
  async run(ctx) {
    const client = await ctx.client();
    const run = await client.post<ReconciliationRun>('/api/v1/reconciliations');
    if (ctx.json) {
      ctx.print.json(run);
      return;
    }
    const p = ctx.print;
    const seconds = ((run.durationMs ?? 0) / 1000).toFixed(2);
    p.line(`Reconciliation run ${run.id} ${run.status} in ${seconds} s (by ${run.actor})`);
    if (run.error) p.line(`Error: ${run.error}`);
    if (run.matching) {
      p.line(
        `Matched ${run.matching.devices} devices to the register: ${run.matching.linked} linked, ${run.matching.changed} links changed`,
      );
    }
    if (run.counts) {
      const rows = [
        ...Object.entries(run.counts.byType)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([type, counts]) => ({ type, counts })),
        { type: 'total', counts: run.counts.totals },
      ];
      p.line();
      p.table(rows, [
        { header: 'finding', value: (r) => r.type },
        ...COUNTS.map((k) => ({
          header: k,
          value: (r: (typeof rows)[number]) => r.counts[k],
          align: 'right' as const,
        })),
      ]);
    }
  },
};
