import { resolve } from 'node:path';
import {
  EX_USAGE,
  formatUsageError,
  parseCommandLine,
  UsageError,
  type UsageHint,
  unknownCommand,
} from '@stocktake/shared/cli';
import { CollectorError } from './client.ts';
import { loadServiceCommands } from './load-service-commands.ts';
import { createLogger } from './logger.ts';
import { defaultStateDir } from './state.ts';
import { AGENT_VERSION } from './version.ts';

const USAGE = `Usage: stocktake-agent <command> [options]

Commands:
  inventory [--pretty]                      Print this machine's snapshot as JSON (no network)
  once --server URL [--enroll-secret S]     Enrol if needed, collect, push once, exit
  run [--config PATH]                       Run as the service does: schedule, outbox, live channel
                                            (stocktake-agent run --help)
  status [--json]                           What the running agent is doing (enrolled, last push,
                                            outbox, next inventory, live channel)
  version                                   Print the version
  service install|uninstall|start|stop|status
                                            Run as an OS service (stocktake-agent service --help)

Options:
  --server URL          Collector URL (STOCKTAKE_SERVER)
  --enroll-secret S     Enroll secret, used only when not yet enrolled (STOCKTAKE_ENROLL_SECRET)
  --state-dir DIR       Where credentials live (STOCKTAKE_STATE_DIR)
  --timeout MS          Per-collector time limit (default 60000)
  --host-root DIR       Prefix for every path collectors read, to inventory a mounted
                        machine image or a container's host (STOCKTAKE_HOST_ROOT, default /)
  --log-level LEVEL     fatal|error|warn|info|debug (STOCKTAKE_LOG_LEVEL, default warn)
  --ca-file PATH        PEM bundle of CAs trusted for the collector, besides the default
                        ones (STOCKTAKE_CA_FILE)
  --proxy URL           HTTP(S) proxy to the collector (default https_proxy / HTTPS_PROXY,
                        http_proxy / HTTP_PROXY for an http:// collector)
  --no-proxy LIST       Hosts reached directly, as NO_PROXY lists them (default NO_PROXY)

Exit codes: 0 done, 64 usage error, 69 collector unreachable, not a collector, or an
answer the agent cannot trust (a redirect, too large, not the contract's), 77 collector
refused (wrong secret, revoked), 78 a CA bundle or proxy that cannot be used, 70 internal error.
`;

export const EXIT = { ok: 0, usage: EX_USAGE, unavailable: 69, internal: 70, refused: 77, config: 78 } as const;

const HINT: UsageHint = { usage: 'stocktake-agent <command> [options]', help: 'stocktake-agent --help' };
const COMMANDS = ['inventory', 'once', 'run', 'status', 'version', 'service'];

const OPTIONS = {
  pretty: { type: 'boolean' },
  server: { type: 'string' },
  'enroll-secret': { type: 'string' },
  'state-dir': { type: 'string' },
  timeout: { type: 'string' },
  'host-root': { type: 'string' },
  'log-level': { type: 'string' },
  'ca-file': { type: 'string' },
  proxy: { type: 'string' },
  'no-proxy': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

// Each command is imported when it runs: what a module does when it loads (TypeBox config
// schemas, the websocket client, the scheduler, the service installers) would otherwise be
// paid by every `inventory` and `once`. See load-service-commands.ts for the executable.
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    return await dispatch(argv, env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(formatUsageError('stocktake-agent', err.message, err.hint));
    return EXIT.usage;
  }
}

async function dispatch(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  // A mistyped command is named before its flags are: they may be another command's.
  const [first] = argv;
  if (first !== undefined && !first.startsWith('-') && !COMMANDS.includes(first)) {
    throw unknownCommand(first, COMMANDS, HINT);
  }
  // The service command has its own flags (--config, --keep-state): it parses them itself.
  if (argv[0] === 'service') return (await loadServiceCommands()).serviceCommand(argv.slice(1), env);
  // run and status read the agent config (file, environment, flags) themselves.
  if (argv[0] === 'run') {
    const { runCommand } = await loadServiceCommands();
    const code = await runCommand(argv.slice(1), env);
    // Stopped: a collection child still running must not hold the process open.
    setTimeout(() => process.exit(code), 2000).unref();
    return code;
  }
  if (argv[0] === 'status') return (await loadServiceCommands()).statusCommand(argv.slice(1), env);
  const { values, positionals } = parseCommandLine(argv, OPTIONS, HINT);
  const [command] = positionals;
  if (values.help) {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  if (command === undefined) throw new UsageError('a command is needed', HINT);
  if (!COMMANDS.includes(command)) throw unknownCommand(command, COMMANDS, HINT);
  // run, status and service parse their own flags, so only the first word reaches them.
  if (!['inventory', 'once', 'version'].includes(command)) {
    throw new UsageError(`${command} must come before its options: stocktake-agent ${command} [options]`, HINT);
  }
  const timeoutRaw = values.timeout;
  if (timeoutRaw !== undefined && !/^\d+$/.test(timeoutRaw)) {
    process.stderr.write(`stocktake-agent: --timeout must be milliseconds, got "${timeoutRaw}"\n`);
    return EXIT.usage;
  }
  const timeoutMs = timeoutRaw ? Number(timeoutRaw) : undefined;
  const log = createLogger(values['log-level'] ?? env.STOCKTAKE_LOG_LEVEL ?? 'warn');
  const stateDir = values['state-dir'] ?? defaultStateDir(env);
  // The same precedence as run's config: the flag, then the environment, then the machine itself.
  const hostRoot = resolve(values['host-root'] || env.STOCKTAKE_HOST_ROOT || '/');

  try {
    switch (command) {
      case 'inventory': {
        const { inventory } = await import('./commands/inventory.ts');
        const snapshot = await inventory({ log, stateDir, hostRoot, ...(timeoutMs ? { timeoutMs } : {}) });
        process.stdout.write(`${JSON.stringify(snapshot, null, values.pretty ? 2 : undefined)}\n`);
        return EXIT.ok;
      }
      case 'once': {
        const serverUrl = values.server ?? env.STOCKTAKE_SERVER;
        if (!serverUrl) {
          process.stderr.write('stocktake-agent: once needs --server URL (or STOCKTAKE_SERVER)\n');
          return EXIT.usage;
        }
        const enrollSecret = values['enroll-secret'] ?? env.STOCKTAKE_ENROLL_SECRET;
        const { onceNetwork } = await import('./network/once-network.ts');
        const network = onceNetwork(serverUrl, values, env);
        if (typeof network === 'string') {
          process.stderr.write(`stocktake-agent: ${network}\n`);
          return EXIT.config;
        }
        const { once } = await import('./commands/once.ts');
        const result = await once({
          serverUrl,
          network,
          stateDir,
          hostRoot,
          log,
          ...(enrollSecret ? { enrollSecret } : {}),
          ...(timeoutMs ? { timeoutMs } : {}),
        });
        const notes = [
          ...(result.enrolled ? [`enrolled as agent ${result.agentId}`] : []),
          ...(result.delta ? ['as a delta'] : []),
          ...(result.backlog ? [`after ${result.backlog} queued earlier`] : []),
        ];
        process.stdout.write(
          `pushed snapshot ${result.ack.snapshotId} for device ${result.ack.deviceId}${notes.length ? ` (${notes.join(', ')})` : ''}\n`,
        );
        return EXIT.ok;
      }
      case 'version':
        process.stdout.write(`${AGENT_VERSION}\n`);
        return EXIT.ok;
      default:
        throw unknownCommand(command, COMMANDS, HINT);
    }
  } catch (err) {
    if (err instanceof UsageError) throw err;
    if (err instanceof CollectorError) {
      process.stderr.write(`stocktake-agent: ${err.message}\n`);
      const unavailable: CollectorError['kind'][] = ['unreachable', 'not-a-collector', 'server-error', 'bad-answer'];
      return unavailable.includes(err.kind) ? EXIT.unavailable : EXIT.refused;
    }
    log.error({ err }, 'command failed');
    process.stderr.write(`stocktake-agent: ${(err as Error).message}\n`);
    return EXIT.internal;
  }
}
