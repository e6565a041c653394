import { hostname } from 'node:os';
import type { Snapshot, SnapshotAck } from '@stocktake/shared';
import type { Logger } from 'pino';
import { type CollectorClient, CollectorError, createCollectorClient } from '../client.ts';
import { type Credentials, loadCredentials, saveCredentials } from '../state.ts';
import { AGENT_VERSION } from '../version.ts';
import { inventory } from './inventory.ts';

export interface OnceOptions {
  serverUrl: string;
  enrollSecret?: string;
  stateDir: string;
  log: Logger;
  timeoutMs?: number;
  /** Replaces local collection; lets tests and benchmarks push a prepared snapshot. */
  collect?: () => Promise<Snapshot>;
}

export interface OnceResult {
  ack: SnapshotAck;
  agentId: string;
  enrolled: boolean;
}

async function enrol(client: CollectorClient, options: OnceOptions): Promise<Credentials> {
  if (!options.enrollSecret) {
    throw new CollectorError(
      `not enrolled with ${options.serverUrl}: pass --enroll-secret (or STOCKTAKE_ENROLL_SECRET)`,
      'refused',
    );
  }
  const response = await client.enroll({
    enrollSecret: options.enrollSecret,
    hostname: hostname(),
    agentVersion: AGENT_VERSION,
    platform: process.platform,
  });
  const credentials: Credentials = { serverUrl: client.serverUrl, ...response, enrolledAt: new Date().toISOString() };
  await saveCredentials(options.stateDir, credentials);
  options.log.info({ agentId: response.agentId, serverUrl: client.serverUrl }, 'enrolled');
  return credentials;
}

/** Enrols if needed, collects one snapshot, pushes it, and returns the collector's acknowledgement. */
export async function once(options: OnceOptions): Promise<OnceResult> {
  const client = createCollectorClient({
    serverUrl: options.serverUrl,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  let credentials = await loadCredentials(options.stateDir);
  let enrolled = false;
  // Credentials from another collector are no use here.
  if (!credentials || credentials.serverUrl !== client.serverUrl) {
    credentials = await enrol(client, options);
    enrolled = true;
  }
  const collect =
    options.collect ??
    (() =>
      inventory({
        log: options.log,
        stateDir: options.stateDir,
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      }));
  const snapshot = await collect();
  snapshot.agent.id = credentials.agentId;
  try {
    const ack = await client.pushSnapshot(snapshot, credentials.agentToken);
    return { ack, agentId: credentials.agentId, enrolled };
  } catch (err) {
    // Unknown or revoked token: enrol again with the secret and resend (osquery's node_invalid).
    if (!(err instanceof CollectorError) || err.kind !== 'unauthorized' || enrolled || !options.enrollSecret) throw err;
    options.log.warn({ agentId: credentials.agentId }, 'token refused; enrolling again');
    credentials = await enrol(client, options);
    snapshot.agent.id = credentials.agentId;
    const ack = await client.pushSnapshot(snapshot, credentials.agentToken);
    return { ack, agentId: credentials.agentId, enrolled: true };
  }
}
