export { type AppOptions, buildApp } from './compose/app.ts';
export { type Collector, type CollectorOptions, openCollector } from './compose/collector.ts';
export { type CollectorConfig, ConfigError, ensureEnrollSecret, resolveConfig } from './config.ts';
export { generatePassword } from './domain/access/passwords.ts';
export type { Agent } from './domain/access/ports.ts';
export type { RunRecord } from './domain/findings/ports.ts';
export { computeSectionHashes } from './domain/inventory/section-hashes.ts';
export { type RunningServer, serve } from './server.ts';
// The SQLite file itself, and what a collector on it holds inside: the benchmarks seed fleets,
// read table sizes and time the engine's own stages through them.
export { openDatabase } from './store/sqlite/open-database.ts';
export { type SqliteInside, sqliteInside } from './store/sqlite/stores.ts';
