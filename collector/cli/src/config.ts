import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError, UsageError } from './errors.ts';
import { EXIT } from './exit-codes.ts';

/**
 * The profile file: named collectors with their tokens, so a sysadmin types neither.
 *
 * ```json
 * { "profiles": { "default": { "url": "https://stocktake.example.org", "token": "st_…" } } }
 * ```
 */
export interface Profile {
  url: string;
  token?: string;
}

export interface ConfigFile {
  profiles: Record<string, Profile>;
}

export const DEFAULT_PROFILE = 'default';

/** `STOCKTAKE_CONFIG`, else `$XDG_CONFIG_HOME/stocktake/config.json`, else `~/.config/stocktake/config.json`. */
export function configPath(env: NodeJS.ProcessEnv): string {
  if (env.STOCKTAKE_CONFIG) return env.STOCKTAKE_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'stocktake', 'config.json');
}

/** A collector URL, checked and without a trailing slash (a path prefix behind a reverse proxy is kept). */
export function normaliseUrl(raw: string, from: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`${from}: "${raw}" is not a URL (expected e.g. http://127.0.0.1:8080)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${from}: "${raw}" is not an http:// or https:// URL`);
  }
  if (url.search || url.hash) throw new UsageError(`${from}: "${raw}" must not carry a query or fragment`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function isProfile(value: unknown): value is Profile {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return typeof p.url === 'string' && (p.token === undefined || typeof p.token === 'string');
}

/** The file's profiles; none when it does not exist. A file that cannot be read or understood is an error. */
export function readConfig(path: string, warn: (line: string) => void): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: {} };
    throw new CliError(EXIT.localFile, `cannot read the profile file ${path}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new CliError(EXIT.localFile, `the profile file ${path} is not JSON: ${(err as Error).message}`);
  }
  const profiles = (parsed as { profiles?: unknown } | null)?.profiles;
  if (typeof profiles !== 'object' || profiles === null || Array.isArray(profiles)) {
    throw new CliError(EXIT.localFile, `the profile file ${path} has no "profiles" object`);
  }
  for (const [name, profile] of Object.entries(profiles)) {
    if (!isProfile(profile)) {
      throw new CliError(EXIT.localFile, `profile "${name}" in ${path} needs a "url" string (and an optional "token")`);
    }
  }
  // Tokens are secrets: say so when others may read them, as ssh does for keys.
  if (process.platform !== 'win32') {
    const mode = statSync(path).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      warn(`warning: ${path} is readable by others (mode ${mode.toString(8)}); run chmod 600 ${path}`);
    }
  }
  return { profiles: profiles as Record<string, Profile> };
}

/** Stores one profile (replacing one of the same name): directory 0700, file 0600, written aside and renamed. */
export function writeProfile(path: string, name: string, profile: Profile, warn: (line: string) => void): void {
  const config = readConfig(path, warn);
  config.profiles[name] = profile;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temp, 0o600);
    renameSync(temp, path);
  } catch (err) {
    throw new CliError(EXIT.localFile, `cannot write the profile file ${path}: ${(err as Error).message}`);
  }
}

export interface Connection {
  url: string;
  token?: string;
  /** Where the URL came from, for messages. */
  source: string;
}

export interface ConnectionFlags {
  url?: string | undefined;
  token?: string | undefined;
  profile?: string | undefined;
}

/**
 * Which collector and token: flags, then a profile named by --profile or STOCKTAKE_PROFILE, then
 * STOCKTAKE_URL and STOCKTAKE_TOKEN, then the "default" profile. A profile's token is only ever
 * sent to that profile's own URL.
 */
export function resolveConnection(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv,
  warn: (line: string) => void,
): Connection {
  const path = configPath(env);
  const chosen = flags.profile ?? (env.STOCKTAKE_PROFILE || undefined);
  let profile: Profile | undefined;
  let profileName = chosen ?? DEFAULT_PROFILE;
  if (chosen !== undefined) {
    profile = readConfig(path, warn).profiles[chosen];
    if (!profile) throw new UsageError(`no profile "${chosen}" in ${path} (create it with stocktake login)`);
  } else if (!flags.url || !flags.token) {
    profile = readConfig(path, warn).profiles[DEFAULT_PROFILE];
    profileName = DEFAULT_PROFILE;
  }

  let url: string | undefined;
  let source: string;
  if (flags.url) {
    url = normaliseUrl(flags.url, '--url');
    source = '--url';
  } else if (chosen !== undefined && profile) {
    url = normaliseUrl(profile.url, `profile "${chosen}"`);
    source = `profile "${chosen}"`;
  } else if (env.STOCKTAKE_URL) {
    url = normaliseUrl(env.STOCKTAKE_URL, 'STOCKTAKE_URL');
    source = 'STOCKTAKE_URL';
  } else if (profile) {
    url = normaliseUrl(profile.url, `profile "${profileName}"`);
    source = `profile "${profileName}"`;
  } else {
    throw new UsageError(
      'no collector URL: pass --url, set STOCKTAKE_URL, or save one with stocktake login --url URL --token TOKEN',
    );
  }

  const profileToken =
    profile?.token && normaliseUrl(profile.url, `profile "${profileName}"`) === url ? profile.token : undefined;
  const token =
    flags.token ??
    (chosen !== undefined ? profileToken : undefined) ??
    (env.STOCKTAKE_TOKEN || undefined) ??
    profileToken;
  return { url, source, ...(token ? { token } : {}) };
}
