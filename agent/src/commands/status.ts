import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EX_USAGE, UsageError, type UsageHint, usageErrorLines } from '@stocktake/shared/cli';
import { ConfigError, loadConfig } from '../config/load.ts';
import type { AgentConfig } from '../config/schema.ts';
import { lockHolder } from '../live/state-lock.ts';
import { type AgentStatus, readStatusFile } from '../live/status-file.ts';
import { loadCredentials } from '../state.ts';
import { parseConfigFlags } from './run.ts';

export const STATUS_USAGE = `Usage: stocktake-agent status [--config PATH] [--state-dir DIR] [--json]

What the agent service is doing: running or not, enrolled or not, collector URL, last successful
push, snapshots waiting in the outbox, next scheduled inventory, live channel connected or not.
Exit code 0 when the agent is running, 3 when it is not, 78 for a configuration error.
`;

const CODE = { running: 0, usage: EX_USAGE, notRunning: 3, config: 78 } as const;

const HINT: UsageHint = {
  usage: 'stocktake-agent status [--config PATH] [--state-dir DIR] [--json]',
  help: 'stocktake-agent status --help',
};

export interface StatusReport {
  running: boolean;
  pid?: number;
  server?: string;
  stateDir: string;
  enrolled: boolean | 'unknown';
  agentId?: string;
  deviceId?: string;
  lastSuccessAt?: string;
  lastSnapshotId?: string;
  spool: { depth: number; bytes: number } | 'unknown';
  nextRunAt?: string;
  schedule?: string;
  liveChannel: AgentStatus['liveChannel'] | 'unknown';
  lastError?: string;
  lastErrorAt?: string;
  lastRunError?: string;
  nextRetryAt?: string;
  startedAt?: string;
  updatedAt?: string;
}

/** The outbox as it is on disk now, whether or not the agent runs. */
function spoolOnDisk(stateDir: string): StatusReport['spool'] {
  const dir = join(stateDir, 'spool');
  try {
    const names = readdirSync(dir).filter((n) => /^\d{12}\.json\.gz$/.test(n));
    return { depth: names.length, bytes: names.reduce((sum, n) => sum + statSync(join(dir, n)).size, 0) };
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? { depth: 0, bytes: 0 } : 'unknown';
  }
}

export async function statusReport(config: AgentConfig): Promise<StatusReport> {
  const { stateDir } = config;
  const pid = lockHolder(stateDir);
  let file: AgentStatus | undefined;
  try {
    file = readStatusFile(stateDir);
  } catch {
    file = undefined;
  }
  let enrolled: StatusReport['enrolled'] = 'unknown';
  let agentId: string | undefined;
  try {
    const credentials = await loadCredentials(stateDir);
    enrolled = credentials !== undefined;
    agentId = credentials?.agentId;
  } catch {
    // unreadable (not root): say unknown rather than guess
  }
  const running = pid !== undefined;
  const report: StatusReport = {
    running,
    stateDir,
    enrolled,
    spool: spoolOnDisk(stateDir),
    liveChannel: running && file ? file.liveChannel : 'unknown',
  };
  const server = file?.server ?? (config.server || undefined);
  if (pid !== undefined) report.pid = pid;
  if (server) report.server = server;
  if (agentId ?? file?.agentId) report.agentId = (agentId ?? file?.agentId) as string;
  if (file) {
    for (const key of [
      'deviceId',
      'lastSuccessAt',
      'lastSnapshotId',
      'schedule',
      'lastError',
      'lastErrorAt',
      'lastRunError',
      'startedAt',
      'updatedAt',
    ] as const) {
      const value = file[key];
      if (value !== undefined) report[key] = value;
    }
    if (running && file.nextRunAt) report.nextRunAt = file.nextRunAt;
    if (running && file.nextRetryAt) report.nextRetryAt = file.nextRetryAt;
  }
  return report;
}

function bytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function formatStatus(r: StatusReport): string {
  const lines: [string, string][] = [
    ['agent', r.running ? `running (pid ${r.pid}${r.startedAt ? `, since ${r.startedAt}` : ''})` : 'not running'],
    ['collector', r.server ?? 'not configured'],
    [
      'enrolled',
      r.enrolled === 'unknown'
        ? 'unknown (credentials unreadable: run as root)'
        : r.enrolled
          ? `yes, agent ${r.agentId}`
          : 'no',
    ],
    ['device', r.deviceId ?? 'not known yet'],
    ['last push', r.lastSuccessAt ? `${r.lastSuccessAt} (snapshot ${r.lastSnapshotId})` : 'never'],
    [
      'outbox',
      r.spool === 'unknown'
        ? 'unknown (unreadable: run as root)'
        : `${r.spool.depth} waiting (${bytes(r.spool.bytes)})`,
    ],
    [
      'next inventory',
      r.nextRunAt ? `${r.nextRunAt}${r.schedule ? ` (cron "${r.schedule}")` : ''}` : 'none (not running)',
    ],
    ['live channel', r.liveChannel],
  ];
  if (r.lastError) lines.push(['last error', `${r.lastError}${r.lastErrorAt ? ` (${r.lastErrorAt})` : ''}`]);
  if (r.nextRetryAt) lines.push(['next retry', r.nextRetryAt]);
  if (r.lastRunError) lines.push(['inventory error', r.lastRunError]);
  lines.push(['state directory', r.stateDir]);
  const width = Math.max(...lines.map(([k]) => k.length)) + 2;
  return lines.map(([k, v]) => `${`${k}:`.padEnd(width)}${v}`).join('\n');
}

/** `stocktake-agent status [--json]`. */
export async function statusCommand(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  out: (text: string) => void = (text) => process.stdout.write(`${text}\n`),
  err: (line: string) => void = (line) => process.stderr.write(`stocktake-agent: ${line}\n`),
): Promise<number> {
  let parsed: ReturnType<typeof parseConfigFlags>;
  try {
    parsed = parseConfigFlags(argv, HINT, { json: { type: 'boolean' } });
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(usageErrorLines(e.message, e.hint));
    return CODE.usage;
  }
  if (parsed.values.help) {
    out(STATUS_USAGE.trimEnd());
    return CODE.running;
  }
  let config: AgentConfig;
  try {
    config = loadConfig(parsed.flags, env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    err(e.message);
    return CODE.config;
  }
  const report = await statusReport(config);
  out(parsed.values.json ? JSON.stringify(report, null, 2) : formatStatus(report));
  return report.running ? CODE.running : CODE.notRunning;
}
