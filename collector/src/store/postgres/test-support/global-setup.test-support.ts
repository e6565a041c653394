import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrateDatabase } from '../migrate.ts';
import { startThrowawayCluster } from './throwaway-cluster.ts';

/** What the test files of a run learn about its PostgreSQL server (`inject('postgres')`). */
export interface PostgresTestServer {
  host: string;
  port: number;
  user: string;
  version: string;
  /** A database migrated once for the run, which each test database is created from. */
  template: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: PostgresTestServer;
  }
}

const TEMPLATE = 'stocktake_template';

/**
 * Once per vitest run, before the PostgreSQL engine's test files: a throwaway cluster (see
 * throwaway-cluster.ts) and a template database migrated once, so a test database is a
 * CREATE DATABASE … TEMPLATE (a file copy) rather than every migration again. Stopped and
 * deleted when the run ends.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startThrowawayCluster();
  try {
    const base = { host: cluster.host, port: cluster.port, user: cluster.user };
    const admin = new pg.Client({ ...base, database: 'postgres' });
    await admin.connect();
    try {
      await admin.query(`create database ${TEMPLATE}`);
    } finally {
      await admin.end();
    }
    const pool = new pg.Pool({ ...base, database: TEMPLATE, max: 1 });
    try {
      await migrateDatabase(pool);
    } finally {
      await pool.end();
    }
    project.provide('postgres', { ...base, version: cluster.version, template: TEMPLATE });
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return () => cluster.stop();
}
