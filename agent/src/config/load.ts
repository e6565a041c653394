import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createValidator } from '@stocktake/shared';
import { validate as isCron } from 'node-cron';
import { type Given, NetworkSettingError, resolveNetwork } from '../network/settings.ts';
import { isServicePlatform, serviceLayout } from '../service/layout.ts';
import { defaultStateDir } from '../state.ts';
import { type AgentConfig, type AgentConfigFile, AgentConfigFileSchema, DEFAULTS, LOG_LEVELS } from './schema.ts';

/** A config that cannot run, with a message naming the key (file key, variable or flag) at fault. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Values given on the command line; they win over the environment, which wins over the file. */
export interface ConfigFlags {
  config?: string;
  server?: string;
  enrollSecret?: string;
  stateDir?: string;
  hostRoot?: string;
  logLevel?: string;
  schedule?: string;
  caFile?: string;
  proxy?: string;
  noProxy?: string;
}

/** Environment variables and the key each one overrides. */
export const CONFIG_ENV = {
  STOCKTAKE_CONFIG: 'config file path',
  STOCKTAKE_SERVER: 'server',
  STOCKTAKE_ENROLL_SECRET: 'enrollSecret',
  STOCKTAKE_STATE_DIR: 'stateDir',
  STOCKTAKE_HOST_ROOT: 'hostRoot',
  STOCKTAKE_LOG_LEVEL: 'logLevel',
  STOCKTAKE_SCHEDULE: 'schedule.inventory',
  STOCKTAKE_LIVE_CHANNEL: 'liveChannel',
  STOCKTAKE_CA_FILE: 'caFile',
} as const;

const validateFile = createValidator<AgentConfigFile>(AgentConfigFileSchema);

/** The file `service install` writes on this OS: the agent reads it when no --config is given. */
export function defaultConfigPath(platform: NodeJS.Platform = process.platform, env = process.env): string | undefined {
  return isServicePlatform(platform) ? serviceLayout(platform, env).configPath : undefined;
}

/** `/schedule/inventory` to `schedule.inventory`. */
function keyName(pointer: string): string {
  return pointer.replace(/^\//, '').replace(/\//g, '.') || '(the whole file)';
}

function readConfigFile(path: string, explicit: boolean): AgentConfigFile | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !explicit) return undefined;
    if (code === 'ENOENT') throw new ConfigError(`config file ${path} does not exist`);
    const hint = code === 'EACCES' || code === 'EPERM' ? ' (it is readable by root only: use sudo)' : '';
    throw new ConfigError(`cannot read config file ${path}: ${code ?? (err as Error).message}${hint}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  const result = validateFile(parsed);
  if (!result.ok) {
    const problems = result.errors.map((e) => {
      const message = /additional propert/i.test(e.message) ? 'unknown key' : e.message;
      return `${keyName(e.path)}: ${message}`;
    });
    throw new ConfigError(`config file ${path}: ${problems.join('; ')}`);
  }
  return result.value;
}

const nonEmpty = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v);

/**
 * Builds the agent's config: defaults, then the file, then environment variables, then flags.
 * `requireServer` is for `run`: without a collector URL there is nothing to do.
 */
export function loadConfig(
  flags: ConfigFlags,
  env: NodeJS.ProcessEnv = process.env,
  options: { platform?: NodeJS.Platform; requireServer?: boolean } = {},
): AgentConfig {
  const platform = options.platform ?? process.platform;
  const explicitPath = flags.config ?? nonEmpty(env.STOCKTAKE_CONFIG);
  const path = explicitPath ? resolve(explicitPath) : defaultConfigPath(platform, env);
  const read = path ? readConfigFile(path, explicitPath !== undefined) : undefined;
  const file = read ?? {};
  const fileLabel = (key: string) => `config file ${path}: ${key}`;

  /** The winning value of a key and where it came from, for messages. */
  function pick<T>(
    flag: string | undefined,
    flagName: string,
    envName: keyof typeof CONFIG_ENV,
    fromFile: T | undefined,
    fileKey: string,
  ): { value: string | T | undefined; origin: string } {
    if (flag !== undefined) return { value: flag, origin: flagName };
    const fromEnv = nonEmpty(env[envName]);
    if (fromEnv !== undefined) return { value: fromEnv, origin: envName };
    return { value: fromFile, origin: fileLabel(fileKey) };
  }

  const server = pick(flags.server, '--server', 'STOCKTAKE_SERVER', file.server, 'server');
  if (server.value === undefined) {
    if (options.requireServer) {
      throw new ConfigError(
        `no collector URL: set "server" in ${path ?? 'a config file (--config)'}, STOCKTAKE_SERVER or --server`,
      );
    }
  } else {
    let url: URL | undefined;
    try {
      url = new URL(server.value);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new ConfigError(`${server.origin}: "${server.value}" is not an http:// or https:// URL`);
    }
  }

  const schedule = pick(
    flags.schedule,
    '--schedule',
    'STOCKTAKE_SCHEDULE',
    file.schedule?.inventory,
    'schedule.inventory',
  );
  const cron = schedule.value ?? DEFAULTS.inventory;
  if (!isCron(cron)) {
    throw new ConfigError(
      `${schedule.origin}: "${cron}" is not a cron expression (5 fields, or 6 with seconds first, e.g. "0 * * * *")`,
    );
  }

  const level = pick(flags.logLevel, '--log-level', 'STOCKTAKE_LOG_LEVEL', file.logLevel, 'logLevel');
  const logLevel = level.value ?? DEFAULTS.logLevel;
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`${level.origin}: "${logLevel}" is not one of ${LOG_LEVELS.join(', ')}`);
  }

  let liveChannel = file.liveChannel ?? true;
  const liveEnv = nonEmpty(env.STOCKTAKE_LIVE_CHANNEL);
  if (liveEnv !== undefined) {
    if (!/^(true|false|1|0)$/i.test(liveEnv)) {
      throw new ConfigError(`STOCKTAKE_LIVE_CHANNEL: "${liveEnv}" is not true or false`);
    }
    liveChannel = /^(true|1)$/i.test(liveEnv);
  }

  const retryMin = file.retry?.minSeconds ?? DEFAULTS.retryMinSeconds;
  const retryMax = file.retry?.maxSeconds ?? Math.max(DEFAULTS.retryMaxSeconds, retryMin);
  if (retryMax < retryMin) {
    throw new ConfigError(`${fileLabel('retry.maxSeconds')}: ${retryMax} is less than retry.minSeconds (${retryMin})`);
  }

  const enrollSecret = pick(flags.enrollSecret, '--enroll-secret', 'STOCKTAKE_ENROLL_SECRET', file.enrollSecret, '');
  const givenStateDir = flags.stateDir ?? nonEmpty(env.STOCKTAKE_STATE_DIR) ?? file.stateDir;
  const hostRoot = flags.hostRoot ?? nonEmpty(env.STOCKTAKE_HOST_ROOT) ?? file.hostRoot ?? '/';
  const s = file.schedule ?? {};
  const network = networkSettings(server.value as string | undefined, flags, env, file, fileLabel);
  const config: AgentConfig = {
    server: (server.value as string | undefined) ?? '',
    stateDir: givenStateDir ? resolve(givenStateDir) : defaultStateDir(env, platform),
    hostRoot: resolve(hostRoot),
    logLevel: logLevel as AgentConfig['logLevel'],
    collectorTimeoutMs: (file.collectorTimeoutSeconds ?? DEFAULTS.collectorTimeoutSeconds) * 1000,
    liveChannel,
    schedule: {
      inventory: cron,
      splayMs: (s.splaySeconds ?? DEFAULTS.splaySeconds) * 1000,
      runAtStart: s.runAtStart ?? true,
      heartbeatMs: (s.heartbeatSeconds ?? DEFAULTS.heartbeatSeconds) * 1000,
      fullEveryMs: (s.fullEverySeconds ?? DEFAULTS.fullEverySeconds) * 1000,
    },
    spool: {
      maxEntries: file.spool?.maxEntries ?? DEFAULTS.maxEntries,
      maxBytes: file.spool?.maxBytes ?? DEFAULTS.maxBytes,
    },
    retry: { minMs: retryMin * 1000, maxMs: retryMax * 1000 },
    metering: {
      enabled: file.metering?.enabled ?? true,
      sampleMs: (file.metering?.sampleSeconds ?? DEFAULTS.meteringSampleSeconds) * 1000,
    },
    network,
  };
  if (enrollSecret.value !== undefined) config.enrollSecret = enrollSecret.value as string;
  if (read && path) config.file = path;
  return config;
}

/**
 * The CA bundle (flag, then STOCKTAKE_CA_FILE, then the file) and the proxy. The agent's own
 * proxy settings (flag, then the file) win over the machine-wide https_proxy and no_proxy
 * variables: they were written for this agent.
 */
function networkSettings(
  server: string | undefined,
  flags: ConfigFlags,
  env: NodeJS.ProcessEnv,
  file: AgentConfigFile,
  fileLabel: (key: string) => string,
): AgentConfig['network'] {
  const given = (flag: string | undefined, flagName: string, fromFile: string | undefined, key: string) =>
    flag !== undefined
      ? { value: flag, origin: flagName }
      : fromFile !== undefined
        ? { value: fromFile, origin: fileLabel(key) }
        : undefined;
  const caEnv = nonEmpty(env.STOCKTAKE_CA_FILE);
  const caFile: Given | undefined =
    flags.caFile !== undefined
      ? { value: flags.caFile, origin: '--ca-file' }
      : caEnv !== undefined
        ? { value: caEnv, origin: 'STOCKTAKE_CA_FILE' }
        : given(undefined, '', file.caFile, 'caFile');
  const proxy = given(flags.proxy, '--proxy', file.proxy, 'proxy');
  const noProxy = given(flags.noProxy, '--no-proxy', file.noProxy, 'noProxy');
  try {
    // Without a server (status) there is nothing to reach: the bundle is still checked.
    return resolveNetwork(
      new URL(server ?? 'https://collector.invalid'),
      {
        ...(caFile ? { caFile } : {}),
        ...(proxy ? { proxy } : {}),
        ...(noProxy ? { noProxy } : {}),
      },
      env,
    );
  } catch (err) {
    if (err instanceof NetworkSettingError) throw new ConfigError(err.message);
    throw err;
  }
}
