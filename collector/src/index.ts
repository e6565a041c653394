export { type AppOptions, buildApp } from './compose/app.ts';
export { type Collector, type CollectorOptions, openCollector } from './compose/collector.ts';
export { type CollectorConfig, ConfigError, ensureEnrollSecret, resolveConfig } from './config.ts';
export type { Agent } from './domain/access/ports.ts';
export type { RunRecord } from './domain/findings/ports.ts';
export { computeSectionHashes } from './domain/inventory/section-hashes.ts';
export { type RunningServer, serve } from './server.ts';
// The SQLite file itself: the benchmarks seed fleets and read table sizes through it.
export { openDatabase } from './store/sqlite/open-database.ts';
