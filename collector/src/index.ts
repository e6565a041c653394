export { type AppOptions, buildApp } from './app.ts';
export { type CollectorConfig, ConfigError, ensureEnrollSecret, resolveConfig } from './config.ts';
export { type RunningServer, serve } from './server.ts';
export { openDatabase } from './store/sqlite/open-database.ts';
