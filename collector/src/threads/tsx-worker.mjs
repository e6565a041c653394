// Starts a worker thread from the TypeScript sources (a checkout, the tests): tsx compiles them
// on the fly, as collector/bin/stocktake-collector.mjs does for the main thread. A release runs
// the worker's own bundle instead.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.tsxEntry);
