import { mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AGENT_TOKEN_MAX_LENGTH, ANSWER_ID_MAX_LENGTH } from '@stocktake/shared/core';
import type { Logger } from 'pino';
import { writeFileDurably } from './spool/durable-file.ts';

export interface Credentials {
  serverUrl: string;
  agentId: string;
  agentToken: string;
  enrolledAt: string;
  /**
   * The collector has accepted the token at least once (a delivery, the live channel). A token
   * refused before that was never good: something between agent and collector drops it, and
   * enrolling again would only make another agent (see Session.reenrol).
   */
  confirmed: boolean;
}

/** Where the agent keeps its credentials: system-wide when it runs as a service, per user otherwise. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.STOCKTAKE_STATE_DIR) return env.STOCKTAKE_STATE_DIR;
  if (platform === 'win32') return join(env.ProgramData ?? 'C:\\ProgramData', 'Stocktake', 'state');
  if (platform === 'darwin') return '/Library/Application Support/Stocktake/state';
  if (typeof process.getuid === 'function' && process.getuid() === 0) return '/var/lib/stocktake-agent';
  return join(env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'stocktake-agent');
}

const CREDENTIALS_FILE = 'credentials.json';

/** A credentials file is a few hundred bytes; anything much larger is not one. */
const MAX_CREDENTIALS_BYTES = 16 * 1024;
const MAX_URL_LENGTH = 2048;

export type CredentialsFile =
  | { state: 'absent' }
  | { state: 'ok'; credentials: Credentials }
  | { state: 'corrupt'; path: string; reason: string };

const isDate = (value: unknown): value is string => typeof value === 'string' && !Number.isNaN(Date.parse(value));
const isText = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= max;

/** The known fields of a parsed credentials file, or why it is not one. */
function credentialsOf(value: unknown): Credentials | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const { serverUrl, agentId, agentToken, enrolledAt, confirmed } = value as Record<string, unknown>;
  if (!isText(serverUrl, MAX_URL_LENGTH) || !URL.canParse(serverUrl)) return 'serverUrl is not a URL';
  if (!isText(agentId, ANSWER_ID_MAX_LENGTH)) return 'agentId is missing or invalid';
  if (!isText(agentToken, AGENT_TOKEN_MAX_LENGTH)) return 'agentToken is missing or invalid';
  if (!isDate(enrolledAt)) return 'enrolledAt is not a date';
  if (confirmed !== undefined && typeof confirmed !== 'boolean') return 'confirmed is not a boolean';
  return {
    serverUrl,
    agentId,
    agentToken,
    enrolledAt,
    // Written by agents that did not record it: such a token has been in use, take it as good.
    confirmed: typeof confirmed === 'boolean' ? confirmed : true,
  };
}

/** Reads the credentials file without changing anything (`status` and `inventory` use this). */
export function readCredentialsFile(stateDir: string): CredentialsFile {
  const path = join(stateDir, CREDENTIALS_FILE);
  let text: string;
  try {
    if (statSync(path).size > MAX_CREDENTIALS_BYTES) {
      return { state: 'corrupt', path, reason: `larger than ${MAX_CREDENTIALS_BYTES} bytes` };
    }
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'absent' };
    throw new Error(`cannot read credentials in ${stateDir}`, { cause: err });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { state: 'corrupt', path, reason: 'not JSON (truncated?)' };
  }
  const credentials = credentialsOf(parsed);
  return typeof credentials === 'string'
    ? { state: 'corrupt', path, reason: credentials }
    : { state: 'ok', credentials };
}

/** The stored credentials; undefined when there are none or the file is not usable. */
export async function loadCredentials(stateDir: string): Promise<Credentials | undefined> {
  const file = readCredentialsFile(stateDir);
  return file.state === 'ok' ? file.credentials : undefined;
}

/**
 * The stored credentials for the agent to use. A file that is not credentials (truncated by a
 * power cut, damaged, from something else) is renamed aside for inspection with one log line,
 * and the agent enrols again: it costs one enrolment, never the agent.
 */
export function openCredentials(stateDir: string, log: Logger, now = new Date()): Credentials | undefined {
  const file = readCredentialsFile(stateDir);
  if (file.state === 'ok') return file.credentials;
  if (file.state === 'absent') return undefined;
  const aside = `${file.path}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
  renameSync(file.path, aside);
  log.warn({ path: aside, reason: file.reason }, 'credentials file unusable; set aside, enrolling again');
  return undefined;
}

/** Only the known fields, written durably (temporary file, fsync, rename): never half a token. */
export async function saveCredentials(stateDir: string, credentials: Credentials): Promise<void> {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const known: Credentials = {
    serverUrl: credentials.serverUrl,
    agentId: credentials.agentId,
    agentToken: credentials.agentToken,
    enrolledAt: credentials.enrolledAt,
    confirmed: credentials.confirmed,
  };
  writeFileDurably(join(stateDir, CREDENTIALS_FILE), `${JSON.stringify(known, null, 2)}\n`, 0o600);
}
