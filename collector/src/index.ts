export { type AppOptions, buildApp } from './app.ts';
export { type CollectorConfig, ConfigError, ensureEnrollSecret, resolveConfig } from './config.ts';
export { openDatabase } from './db/open-database.ts';
export { type RunningServer, serve } from './server.ts';
