import pino from 'pino';
import { openCollector } from '../compose/collector.ts';
import type { CollectorConfig } from '../config.ts';
import { RunInProgressError } from '../domain/findings/errors.ts';
import type { TypeCounts } from '../domain/findings/lifecycle.ts';
import type { RunRecord } from '../domain/findings/ports.ts';
import { reconciliationOptions } from '../reconciliation-config.ts';
import { ADMIN_DATABASE, noDatabaseAt } from './admin-database.ts';
import { cliActor } from './cli-actor.ts';
import type { Io } from './register-commands.ts';

/** sysexits.h: no database, a run already in progress (try again later), the run failed. */
const EXIT = { ok: 0, noInput: 66, software: 70, tempFail: 75 } as const;

const COLUMNS: (keyof TypeCounts)[] = ['opened', 'recurred', 'returned', 'resolved', 'open'];

/** The run as a person reads it: one line of outcome, what matching did, a table of counts per finding type. */
export function formatRun(run: RunRecord): string {
  const lines = [
    `Reconciliation run ${run.id} (${run.actor}) ${run.status} in ${((run.durationMs ?? 0) / 1000).toFixed(2)} s`,
  ];
  if (run.error) lines.push(`error: ${run.error}`);
  if (run.matching) {
    lines.push(
      `matched ${run.matching.devices} devices to the register: ${run.matching.linked} linked, ${run.matching.changed} links changed`,
    );
  }
  if (run.counts) {
    const rows: [string, ...number[]][] = Object.entries(run.counts.byType)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([type, c]) => [type, ...COLUMNS.map((k) => c[k])]);
    rows.push(['total', ...COLUMNS.map((k) => run.counts?.totals[k] ?? 0)]);
    const width = Math.max(20, ...rows.map((r) => r[0].length));
    lines.push('', `${'finding'.padEnd(width)}  ${COLUMNS.map((c) => c.padStart(8)).join('  ')}`);
    for (const [name, ...values] of rows) {
      lines.push(`${name.padEnd(width)}  ${values.map((v) => String(v).padStart(8)).join('  ')}`);
    }
  }
  if (run.phases) {
    lines.push(
      '',
      `phases (ms): ${Object.entries(run.phases)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `stocktake-collector reconcile [--json]`: one run against the database, its summary on
 * stdout, logs on stderr. Webhook deliveries the run queues are finished (or given up) before
 * the command returns.
 */
export async function runReconcileCommand(
  config: CollectorConfig,
  options: { json: boolean },
  io: Io,
): Promise<number> {
  const missing = noDatabaseAt(config.database);
  if (missing) {
    io.err(missing);
    return EXIT.noInput;
  }
  const log = pino({ level: config.logLevel }, pino.destination(2));
  // The schedule is the server's business: this is one run, now.
  const { schedule: _schedule, ...reconciliation } = reconciliationOptions(config.reconciliation);
  const collector = await openCollector({
    dbPath: config.database,
    database: ADMIN_DATABASE,
    log,
    reconciliation,
    policiesContext: 'cli',
  });
  try {
    let run: RunRecord;
    try {
      run = await collector.services.reconciliation.run({ trigger: 'cli', actor: cliActor() });
    } catch (err) {
      if (err instanceof RunInProgressError) {
        io.err(`stocktake-collector: ${err.message}; try again when it has finished\n`);
        return EXIT.tempFail;
      }
      io.err(`stocktake-collector: reconciliation failed: ${(err as Error).message}\n`);
      return EXIT.software;
    }
    io.out(options.json ? `${JSON.stringify(run, null, 2)}\n` : formatRun(run));
    await collector.drainNotifications();
    return EXIT.ok;
  } finally {
    await collector.close();
  }
}
