import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What `run` tells `status`, rewritten on every change of state (never on a timer). */
export interface AgentStatus {
  pid: number;
  state: 'running' | 'stopped';
  startedAt: string;
  updatedAt: string;
  server: string;
  schedule: string;
  splaySeconds: number;
  enrolled: boolean;
  agentId?: string;
  deviceId?: string;
  liveChannel: 'connected' | 'disconnected' | 'disabled';
  lastRunAt?: string;
  lastRunError?: string;
  nextRunAt?: string;
  lastSuccessAt?: string;
  lastSnapshotId?: string;
  lastError?: string;
  lastErrorAt?: string;
  nextRetryAt?: string;
  spool: { depth: number; bytes: number };
}

export const STATUS_FILE = 'status.json';

/** Written whole and renamed, so a reader never sees half of it; no fsync: it is rebuilt at every start. */
export function writeStatusFile(stateDir: string, status: AgentStatus): void {
  const path = join(stateDir, STATUS_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(status, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

export function readStatusFile(stateDir: string): AgentStatus | undefined {
  try {
    return JSON.parse(readFileSync(join(stateDir, STATUS_FILE), 'utf8')) as AgentStatus;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || err instanceof SyntaxError) return undefined;
    throw err;
  }
}
