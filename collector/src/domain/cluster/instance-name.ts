import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * This process among the collector instances sharing a database: host, process id and a random
 * tail (a restarted process with a reused id is another instance). Made once per process.
 */
export const INSTANCE_NAME = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
