import { resolve } from 'node:path';
import { isSea } from 'node:sea';
import {
  EX_USAGE,
  parseCommandLine,
  UsageError,
  type UsageHint,
  unknownSubcommand,
  usageErrorLines,
} from '@stocktake/shared/cli';
import { ServiceStepError } from '@stocktake/shared/service';
import { InstallInputError, validateInstallConfig } from '../service/agent-config.ts';
import { isServicePlatform, type ServicePlatform } from '../service/layout.ts';
import {
  runServiceAction,
  runServiceCommand,
  type ServiceRequest,
  stagingRunner,
  windowsDeferDelete,
} from '../service/service.ts';
import { AGENT_VERSION } from '../version.ts';

export const SERVICE_USAGE = `Usage: stocktake-agent service <action> [options]

Actions:
  install --server URL --enroll-secret S [--config PATH]
          [--ca-file PATH] [--proxy URL] [--no-proxy LIST]
                 Copy this executable to its install path, write the config (readable by root /
                 SYSTEM only), register the OS service and start it. Running it again upgrades.
                 --ca-file: a PEM bundle of CAs the agent trusts besides the default ones.
                 --proxy and --no-proxy default to this shell's https_proxy / HTTPS_PROXY
                 (http_proxy / HTTP_PROXY for an http:// server) and no_proxy / NO_PROXY: the
                 config keeps them, since the service does not inherit them (sudo -E).
  uninstall [--keep-state]
                 Stop and remove the service, the executable, the config and the agent's
                 credentials (--keep-state keeps the credentials for a reinstall).
  start | stop | status

The service runs "stocktake-agent run --config PATH". install and uninstall need root
(sudo) on Linux and macOS, an elevated prompt on Windows. STOCKTAKE_SERVER and
STOCKTAKE_ENROLL_SECRET may replace the flags (keeps the secret out of the process list).
`;

const ACTIONS = ['install', 'uninstall', 'start', 'stop', 'status'] as const;
type Action = (typeof ACTIONS)[number];
// Same values as EXIT in cli.ts (sysexits.h): usage, internal error, permission denied.
const CODE = { ok: 0, usage: EX_USAGE, internal: 70, noPermission: 77 } as const;

const HINT: UsageHint = { usage: 'stocktake-agent service <action> [options]', help: 'stocktake-agent service --help' };

/** What is wrong with the action words, or undefined when they name one action. */
function actionProblem(positionals: readonly string[]): string | undefined {
  const [action, extra] = positionals;
  if (action === undefined) return `service needs an action: ${ACTIONS.join(', ')}`;
  if (extra !== undefined) return `unexpected argument "${extra}"`;
  if ((ACTIONS as readonly string[]).includes(action)) return undefined;
  return unknownSubcommand('service', action, ACTIONS).message;
}

export interface ServiceCommandDeps {
  run?: ServiceRequest['run'];
  selfPath?: string;
  isSingleExecutable?: boolean;
  /** WinSW bytes when not running from the Windows single executable (staging, tests). */
  wrapper?: Uint8Array;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

/** `stocktake-agent service ...`; deps let tests run it in-process against a staging root. */
export async function serviceCommand(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  deps: ServiceCommandDeps = {},
): Promise<number> {
  const out = deps.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = deps.err ?? ((line: string) => process.stderr.write(`stocktake-agent: ${line}\n`));
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    const parsed = parseCommandLine(
      argv,
      {
        server: { type: 'string' },
        'enroll-secret': { type: 'string' },
        config: { type: 'string' },
        'ca-file': { type: 'string' },
        proxy: { type: 'string' },
        'no-proxy': { type: 'string' },
        'keep-state': { type: 'boolean' },
        // Not in the usage: stage into a directory (packaging, tests) and print the commands.
        root: { type: 'string' },
        platform: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      HINT,
    );
    values = parsed.values;
    positionals = parsed.positionals;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(usageErrorLines(e.message, e.hint));
    return CODE.usage;
  }
  const [action] = positionals;
  if (values.help) {
    out(SERVICE_USAGE.trimEnd());
    return CODE.ok;
  }
  const problem = actionProblem(positionals);
  if (problem !== undefined || action === undefined) {
    err(usageErrorLines(problem ?? 'service needs an action', HINT));
    return CODE.usage;
  }
  const str = (key: string) => (typeof values[key] === 'string' ? (values[key] as string) : undefined);
  const root = str('root') === undefined ? undefined : resolve(str('root') as string);
  const platformFlag = str('platform');
  if (platformFlag !== undefined && (!isServicePlatform(platformFlag) || root === undefined)) {
    err('--platform takes linux, win32 or darwin, and only with --root');
    return CODE.usage;
  }
  const platform = (platformFlag ?? process.platform) as ServicePlatform | NodeJS.Platform;
  if (!isServicePlatform(platform)) {
    err(`services are supported on Linux, Windows and macOS, not ${platform}`);
    return CODE.usage;
  }

  const request: ServiceRequest = {
    action: action as Action,
    platform,
    env,
    run: deps.run ?? (root === undefined ? runServiceCommand : stagingRunner),
    selfPath: deps.selfPath ?? process.execPath,
    agentVersion: AGENT_VERSION,
    out,
    ...(root !== undefined ? { root } : {}),
    ...(deps.wrapper ? { wrapper: deps.wrapper } : {}),
    ...(platform === 'win32' && root === undefined ? { deferDelete: windowsDeferDelete } : {}),
  };
  try {
    if (action === 'install') {
      const optional = (key: string, name: string) => (str(key) === undefined ? {} : { [name]: str(key) });
      request.config = validateInstallConfig(
        {
          server: str('server') ?? env.STOCKTAKE_SERVER,
          enrollSecret: str('enroll-secret') ?? env.STOCKTAKE_ENROLL_SECRET,
          ...optional('ca-file', 'caFile'),
          ...optional('proxy', 'proxy'),
          ...optional('no-proxy', 'noProxy'),
        },
        env,
        // Staged under --root, the paths are the target machine's, not this one's /tmp.
        { privateTmp: platform === 'linux' && root === undefined },
      );
      const configPath = str('config');
      if (configPath !== undefined) request.configPath = configPath;
      // Under tsx, process.execPath is node itself: copying it would install Node, not the agent.
      if (!(deps.isSingleExecutable ?? isSea())) {
        err('service install copies the running executable: run it from the single executable (pnpm build:agent)');
        return CODE.usage;
      }
    }
    if (action === 'uninstall' && values['keep-state']) request.keepState = true;
    const needsRoot = action !== 'status' && root === undefined && platform !== 'win32';
    if (needsRoot && typeof process.getuid === 'function' && process.getuid() !== 0) {
      err(`service ${action} must run as root (sudo)`);
      return CODE.noPermission;
    }
    return await runServiceAction(request);
  } catch (e) {
    if (e instanceof InstallInputError) {
      err(e.message);
      return CODE.usage;
    }
    err(e instanceof ServiceStepError ? e.message : `service ${action} failed: ${(e as Error).message}`);
    return CODE.internal;
  }
}
