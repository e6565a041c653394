import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface Credentials {
  serverUrl: string;
  agentId: string;
  agentToken: string;
  enrolledAt: string;
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

export async function loadCredentials(stateDir: string): Promise<Credentials | undefined> {
  let text: string;
  try {
    text = await readFile(join(stateDir, CREDENTIALS_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read credentials in ${stateDir}`, { cause: err });
  }
  const parsed = JSON.parse(text) as Partial<Credentials>;
  if (!parsed.agentId || !parsed.agentToken || !parsed.serverUrl) {
    throw new Error(`credentials file ${join(stateDir, CREDENTIALS_FILE)} is incomplete; delete it to re-enrol`);
  }
  return parsed as Credentials;
}

/** Written to a temporary file then renamed, so a crash never leaves half a token behind. */
export async function saveCredentials(stateDir: string, credentials: Credentials): Promise<void> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const path = join(stateDir, CREDENTIALS_FILE);
  const tmp = `${path}.tmp`;
  await writeFile(tmp, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}
