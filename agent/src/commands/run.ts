import { EX_USAGE, parseCommandLine, UsageError, type UsageHint, usageErrorLines } from '@stocktake/shared/cli';
import { ConfigError, type ConfigFlags, loadConfig } from '../config/load.ts';
import type { AgentConfig } from '../config/schema.ts';
import { AgentRuntime } from '../live/agent-runtime.ts';
import { StateLockedError } from '../live/state-lock.ts';
import { createLogger } from '../logger.ts';
import { loadCredentials } from '../state.ts';

export const RUN_USAGE = `Usage: stocktake-agent run [--config PATH] [options]

Runs until SIGTERM or SIGINT: an inventory at start-up and on the schedule, each one queued on
disk and delivered in order (as a delta when little changed), a live channel to the collector.

Options (each overrides the config file; the environment variable overrides it too):
  --config PATH        Config file (STOCKTAKE_CONFIG; default /etc/stocktake/agent.json,
                       %ProgramData%\\Stocktake\\agent.json, /Library/Application Support/Stocktake/agent.json)
  --server URL         Collector URL (STOCKTAKE_SERVER)
  --enroll-secret S    Enroll secret, used until enrolled (STOCKTAKE_ENROLL_SECRET)
  --state-dir DIR      Credentials, outbox, status (STOCKTAKE_STATE_DIR)
  --host-root DIR      Prefix for every path collectors read (STOCKTAKE_HOST_ROOT)
  --schedule CRON      Inventory schedule (STOCKTAKE_SCHEDULE, default "0 * * * *")
  --log-level LEVEL    (STOCKTAKE_LOG_LEVEL, default warn)
  --ca-file PATH       PEM bundle of CAs trusted for the collector, besides the default ones
                       (STOCKTAKE_CA_FILE)
  --proxy URL          HTTP(S) proxy to the collector (default https_proxy / HTTPS_PROXY,
                       http_proxy / HTTP_PROXY for an http:// collector)
  --no-proxy LIST      Hosts reached directly, as NO_PROXY lists them (default no_proxy / NO_PROXY)
  STOCKTAKE_LIVE_CHANNEL=false turns the websocket off (HTTP only).

Exit codes: 0 stopped by a signal, 64 usage error, 75 another agent uses the state directory,
78 configuration error (the message names the key), 70 internal error.
`;

/** Same values as EXIT in cli.ts, plus the sysexits codes only run uses. */
const CODE = { ok: 0, usage: EX_USAGE, internal: 70, tempFail: 75, config: 78 } as const;

const HINT: UsageHint = { usage: 'stocktake-agent run [--config PATH] [options]', help: 'stocktake-agent run --help' };

export interface RunDeps {
  err?: (line: string) => void;
  out?: (line: string) => void;
  /** Resolves to the signal that asks the agent to stop (tests pass their own). */
  stopSignal?: Promise<string>;
}

/** The flags of the agent config that run and status take; a usage error names the command's help. */
export function parseConfigFlags(argv: string[], hint: UsageHint, extra: Record<string, { type: 'boolean' }> = {}) {
  const { values, positionals } = parseCommandLine(
    argv,
    {
      config: { type: 'string' },
      server: { type: 'string' },
      'enroll-secret': { type: 'string' },
      'state-dir': { type: 'string' },
      'host-root': { type: 'string' },
      schedule: { type: 'string' },
      'log-level': { type: 'string' },
      'ca-file': { type: 'string' },
      proxy: { type: 'string' },
      'no-proxy': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      ...extra,
    },
    hint,
  );
  const str = (key: string) => {
    const v = (values as Record<string, string | boolean | undefined>)[key];
    return typeof v === 'string' ? v : undefined;
  };
  const flags: ConfigFlags = {};
  const set = (key: keyof ConfigFlags, flag: string) => {
    const v = str(flag);
    if (v !== undefined) flags[key] = v;
  };
  set('config', 'config');
  set('server', 'server');
  set('enrollSecret', 'enroll-secret');
  set('stateDir', 'state-dir');
  set('hostRoot', 'host-root');
  set('schedule', 'schedule');
  set('logLevel', 'log-level');
  set('caFile', 'ca-file');
  set('proxy', 'proxy');
  set('noProxy', 'no-proxy');
  return { flags, values: values as Record<string, string | boolean | undefined>, positionals };
}

function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

/** `stocktake-agent run`: the long-running service. */
export async function runCommand(argv: string[], env: NodeJS.ProcessEnv = process.env, deps: RunDeps = {}) {
  const err = deps.err ?? ((line: string) => process.stderr.write(`stocktake-agent: ${line}\n`));
  const out = deps.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  let parsed: ReturnType<typeof parseConfigFlags>;
  try {
    parsed = parseConfigFlags(argv, HINT);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(usageErrorLines(e.message, e.hint));
    return CODE.usage;
  }
  if (parsed.values.help) {
    out(RUN_USAGE.trimEnd());
    return CODE.ok;
  }
  if (parsed.positionals.length > 0) {
    err(usageErrorLines(`run takes no arguments, got "${parsed.positionals.join(' ')}"`, HINT));
    return CODE.usage;
  }
  let config: AgentConfig;
  try {
    config = loadConfig(parsed.flags, env, { requireServer: true });
  } catch (e) {
    if (e instanceof ConfigError) {
      err(e.message);
      return CODE.config;
    }
    throw e;
  }
  const log = createLogger(config.logLevel);
  // Listen before starting: a signal during start-up must still stop the agent cleanly.
  const stopSignal = deps.stopSignal ?? waitForSignal();
  if (!config.enrollSecret) {
    const credentials = await loadCredentials(config.stateDir).catch(() => undefined);
    if (!credentials || credentials.serverUrl !== new URL(config.server).toString()) {
      err(
        `not enrolled with ${config.server} and no enroll secret: set "enrollSecret" in the config or STOCKTAKE_ENROLL_SECRET`,
      );
      return CODE.config;
    }
  }
  let runtime: AgentRuntime;
  try {
    runtime = await AgentRuntime.start({ config, log });
  } catch (e) {
    if (e instanceof StateLockedError) {
      err(e.message);
      return CODE.tempFail;
    }
    throw e;
  }
  const signal = await stopSignal;
  log.info({ signal }, 'signal received');
  await runtime.stop();
  return CODE.ok;
}
