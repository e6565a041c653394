import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { FindingStore, RunStore } from '../domain/findings/ports.ts';
import type { StorageMaintenance } from '../domain/maintenance/ports.ts';
import {
  type CollectorObserver,
  INGEST_KINDS,
  INGEST_OUTCOMES,
  type IngestKind,
  type IngestOutcome,
} from '../domain/observability/ports.ts';

/** What the figures are read from at each scrape: the stores' ports, never an engine. */
export interface MetricSources {
  findings: Pick<FindingStore, 'activeCounts'>;
  runs: Pick<RunStore, 'latestSucceeded'>;
  maintenance: Pick<StorageMaintenance, 'statistics'>;
}

/** The collector's metrics in Prometheus's text format: an observer to feed, and the page to serve. */
export interface PrometheusMetrics {
  observer: CollectorObserver;
  contentType: string;
  render(): Promise<string>;
  /** Figures only the HTTP edge knows: how many agents hold a live channel. */
  watchAgentsOnline(count: () => number): void;
  /**
   * Where the stored figures are read (the stores, once open: the observer is handed to the
   * services before). Until then those metrics have no samples.
   */
  readFrom(sources: MetricSources): void;
  /** Stops what runs on its own (the event-loop sampler). */
  close(): void;
}

/** Pushes are answered within milliseconds to a few seconds (a group commit under load). */
const INGEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** A run takes under a second on a small fleet and minutes at 100,000 devices (docs/benchmarks.md). */
const RUN_BUCKETS = [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600];

/**
 * How long the event loop was held: a few ms when busy, 200 ms is what a probe or agent may
 * wait, seconds when something held it.
 */
const LOOP_DELAY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5];
/** How often the event loop is sampled, in ms. */
const LOOP_SAMPLE_MS = 20;

/**
 * Samples how late the event loop runs a timer due every LOOP_SAMPLE_MS, into `histogram`: a
 * sample is how long the loop was held past the moment the timer was due. Node's own
 * monitorEventLoopDelay keeps a histogram that cannot be read as Prometheus buckets (and
 * prom-client's nodejs_eventloop_lag_* figures start over at each scrape); this one counts every
 * delay, so rate() over any window and histogram_quantile() work as for any histogram.
 */
function sampleEventLoop(histogram: Histogram): () => void {
  let timer: NodeJS.Timeout | undefined;
  const next = () => {
    const due = performance.now() + LOOP_SAMPLE_MS;
    timer = setTimeout(() => {
      histogram.observe(Math.max(0, performance.now() - due) / 1000);
      next();
    }, LOOP_SAMPLE_MS);
    timer.unref();
  };
  next();
  return () => clearTimeout(timer);
}

/** Combinations that can happen, so every series exists (at 0) from the start and rate() sees the first push. */
const INGEST_SERIES: readonly [IngestKind, IngestOutcome][] = INGEST_KINDS.flatMap((kind) =>
  kind === 'resync'
    ? [[kind, 'refused'] as [IngestKind, IngestOutcome]]
    : INGEST_OUTCOMES.map((o) => [kind, o] as [IngestKind, IngestOutcome]),
);

/**
 * Every metric the collector exposes, on a registry of its own (no global state: each app, and
 * each test, has its own). Names follow Prometheus's conventions: `stocktake_` first, the unit
 * last, `_total` on counters. docs/monitoring/ queries exactly these names, which a test checks.
 */
export function createPrometheusMetrics(version: string): PrometheusMetrics {
  let sources: MetricSources | undefined;
  const registry = new Registry();
  const registers = [registry];
  // Process figures, among them nodejs_eventloop_lag_seconds: how late the event loop runs.
  collectDefaultMetrics({ register: registry });

  new Gauge({
    name: 'stocktake_build_info',
    help: 'The collector version, as a label; always 1.',
    labelNames: ['version'],
    registers,
  }).set({ version }, 1);

  const ingests = new Counter({
    name: 'stocktake_ingests_total',
    help: 'Pushes answered, by kind (full, delta, resync: a delta against another base) and outcome.',
    labelNames: ['kind', 'outcome'],
    registers,
  });
  for (const [kind, outcome] of INGEST_SERIES) ingests.inc({ kind, outcome }, 0);
  const ingestSeconds = new Histogram({
    name: 'stocktake_ingest_duration_seconds',
    help: 'From a push reaching the collector to its answer (after its durable commit), by kind.',
    labelNames: ['kind'],
    buckets: INGEST_BUCKETS,
    registers,
  });
  const lastIngest = new Gauge({
    name: 'stocktake_last_ingest_timestamp_seconds',
    help: 'When this collector last stored (or recognised) a push, in Unix seconds.',
    registers,
  });

  const runs = new Counter({
    name: 'stocktake_reconciliation_runs_total',
    help: 'Reconciliation runs this process started, by outcome.',
    labelNames: ['outcome'],
    registers,
  });
  for (const outcome of ['succeeded', 'failed']) runs.inc({ outcome }, 0);
  const runSeconds = new Histogram({
    name: 'stocktake_reconciliation_duration_seconds',
    help: 'How long the reconciliation runs of this process took.',
    labelNames: ['outcome'],
    buckets: RUN_BUCKETS,
    registers,
  });
  // Labelled with the run's trigger (schedule, api, cli): a gauge with labels has no sample
  // until set, so before the first success there is none, rather than a 0 that reads as 1970.
  const lastSuccess = new Gauge({
    name: 'stocktake_reconciliation_last_success_timestamp_seconds',
    help: 'When the last successful reconciliation run finished (any process), in Unix seconds, by its trigger; absent before the first.',
    labelNames: ['trigger'],
    registers,
    collect: async () => {
      lastSuccess.reset();
      lastSuccessSeconds.reset();
      const run = await sources?.runs.latestSucceeded();
      if (!run?.finishedAt) return;
      lastSuccess.set({ trigger: run.trigger }, Date.parse(run.finishedAt) / 1000);
      if (run.durationMs !== null) lastSuccessSeconds.set({ trigger: run.trigger }, run.durationMs / 1000);
    },
  });
  const lastSuccessSeconds = new Gauge({
    name: 'stocktake_reconciliation_last_success_duration_seconds',
    help: 'How long the last successful reconciliation run took, by its trigger.',
    labelNames: ['trigger'],
    registers,
  });

  const webhook = new Counter({
    name: 'stocktake_webhook_attempts_total',
    help: 'Webhook POSTs, by outcome: delivered, retrying (failed, tried again later), given_up (failed for the last time).',
    labelNames: ['outcome'],
    registers,
  });
  for (const outcome of ['delivered', 'retrying', 'given_up']) webhook.inc({ outcome }, 0);

  let agentsOnline: () => number = () => 0;
  const online = new Gauge({
    name: 'stocktake_agents_online',
    help: 'Agents holding a live channel to this collector now.',
    registers,
    collect: () => {
      online.set(agentsOnline());
    },
  });

  const openFindings = new Gauge({
    name: 'stocktake_findings_open',
    help: 'Open findings (neither acknowledged, snoozed nor resolved), by type and severity.',
    labelNames: ['type', 'severity'],
    registers,
    collect: async () => {
      openFindings.reset();
      for (const row of (await sources?.findings.activeCounts()) ?? []) {
        if (row.status !== 'open') continue;
        openFindings.inc({ type: row.type, severity: row.severity }, row.count);
      }
    },
  });

  // The storage engine's figures: cheap to read (a stat of the file, the batcher's counters).
  const statistics = async () => (await sources?.maintenance.statistics()) ?? { databaseBytes: 0 };
  const databaseBytes = new Gauge({
    name: 'stocktake_database_bytes',
    help: 'Bytes the database takes on disk (SQLite: the file and its write-ahead log).',
    registers,
    collect: async () => {
      databaseBytes.set((await statistics()).databaseBytes);
    },
  });
  const queueDepth = new Gauge({
    name: 'stocktake_write_queue_depth',
    help: 'Writes waiting for the next group commit.',
    registers,
    collect: async () => {
      queueDepth.set((await statistics()).writeQueue?.depth ?? 0);
    },
  });
  // Cumulative figures the engine keeps: set as they are rather than counted twice.
  const batches = new Counter({
    name: 'stocktake_write_batches_total',
    help: 'Group commits: transactions that each stored a batch of concurrent writes.',
    registers,
    collect: async () => {
      batches.reset();
      batches.inc((await statistics()).writeQueue?.batches ?? 0);
    },
  });
  const units = new Counter({
    name: 'stocktake_write_batch_units_total',
    help: 'Writes committed in group commits; divided by stocktake_write_batches_total, the mean batch size.',
    registers,
    collect: async () => {
      units.reset();
      units.inc((await statistics()).writeQueue?.units ?? 0);
    },
  });

  const stopSampling = sampleEventLoop(
    new Histogram({
      name: 'stocktake_event_loop_delay_seconds',
      help: `How long the event loop was held past a timer due every ${LOOP_SAMPLE_MS} ms: each sample is one wait (requests, import slices, group commits all run on that loop).`,
      buckets: LOOP_DELAY_BUCKETS,
      registers,
    }),
  );

  const observer: CollectorObserver = {
    ingested(kind, outcome, seconds) {
      ingests.inc({ kind, outcome });
      ingestSeconds.observe({ kind }, seconds);
      if (outcome !== 'refused') lastIngest.set(Date.now() / 1000);
    },
    reconciled(outcome, seconds) {
      runs.inc({ outcome });
      runSeconds.observe({ outcome }, seconds);
    },
    webhookAttempt(outcome) {
      webhook.inc({ outcome });
    },
  };

  return {
    observer,
    contentType: registry.contentType,
    render: () => registry.metrics(),
    watchAgentsOnline(count) {
      agentsOnline = count;
    },
    readFrom(from) {
      sources = from;
    },
    close: stopSampling,
  };
}
