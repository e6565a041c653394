/**
 * `pnpm demo`: starts the collector on the embedded SQLite database, runs this machine's
 * agent once against it, shows what landed, and keeps serving until Ctrl-C.
 */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { generatePassword, resolveConfig, serve } from '@stocktake/collector';
import { buildConsole } from '@stocktake/console/build';

const ROOT = resolve(import.meta.dirname, '..');
const AGENT_BIN = join(ROOT, 'agent', 'bin', 'stocktake-agent.mjs');
const run = promisify(execFile);

// The web console the collector serves at /, built from this checkout (well under a second).
await buildConsole();

async function start() {
  const config = resolveConfig({}, { STOCKTAKE_LOG_LEVEL: 'warn', ...process.env });
  try {
    return { config, ...(await serve(config)) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    // Port taken: any free port will do for a demo.
    const fallback = { ...config, port: 0 };
    return { config: fallback, ...(await serve(fallback)) };
  }
}

const { config, url, app } = await start();
const secret = config.enrollSecret ?? (await import('@stocktake/collector')).ensureEnrollSecret(config).secret;
process.stdout.write(`collector listening on ${url} (database ${resolve(config.dbPath)})\n`);

const stateDir = resolve('data', 'agent-state');
const agent = await run(
  process.execPath,
  [AGENT_BIN, 'once', '--server', url, '--enroll-secret', secret, '--state-dir', stateDir],
  {
    maxBuffer: 16 * 1024 * 1024,
  },
).catch((err: { stderr?: string; message: string }) => {
  process.stderr.write(`agent failed: ${err.stderr ?? err.message}`);
  process.exit(1);
});
process.stdout.write(`agent: ${agent.stdout}`);

// A reader token for the commands below. Its secret is shown once, so each run makes a new one.
const DEMO_TOKEN = 'demo-reader';
const tokens = app.stores.apiTokens;
if ((await tokens.list()).some((t) => t.name === DEMO_TOKEN)) await tokens.revoke(DEMO_TOKEN, 'demo');
const reader = (await tokens.create({ name: DEMO_TOKEN, role: 'reader' }, 'demo')).secret;
const auth = { authorization: `Bearer ${reader}` };

// An admin account for the web console, with a password made for this run and shown once.
const DEMO_ADMIN = 'demo-admin';
const password = generatePassword();
const users = app.stores.users;
if ((await users.list()).some((u) => u.name === DEMO_ADMIN)) await users.resetPassword(DEMO_ADMIN, password, 'demo');
else await users.create({ name: DEMO_ADMIN, role: 'admin', password }, 'demo');

const list = (await (await fetch(`${url}/api/v1/devices`, { headers: auth })).json()) as {
  items: {
    id: string;
    hostname: string;
    osName: string | null;
    osVersion: string | null;
    cpuModel: string | null;
    cpuCores: number | null;
    memoryBytes: number | null;
    softwareCount: number;
  }[];
};
process.stdout.write('\ndevices in the collector:\n');
for (const d of list.items) {
  const gib = d.memoryBytes ? `${(d.memoryBytes / 1024 ** 3).toFixed(1)} GiB` : 'memory unknown';
  process.stdout.write(
    `  ${d.hostname}  ${d.osName ?? '?'} ${d.osVersion ?? ''}  ${d.cpuModel ?? 'cpu unknown'} (${d.cpuCores ?? '?'} cores)  ${gib}  ${d.softwareCount} packages\n    id ${d.id}\n`,
  );
}
const first = list.items[0];
process.stdout.write(`
The web console: ${url}/
  log in as ${DEMO_ADMIN} with the password ${password}
  (made for this run and shown once; the next pnpm demo makes a new one)

A reader token (GET routes only; shown once, stored only as a hash):
  export STOCKTAKE_TOKEN=${reader}
Try:
  curl -s -H "Authorization: Bearer $STOCKTAKE_TOKEN" ${url}/api/v1/devices
  curl -s -H "Authorization: Bearer $STOCKTAKE_TOKEN" ${url}/api/v1/devices/${first?.id ?? '<id>'}
  curl -s -H "Authorization: Bearer $STOCKTAKE_TOKEN" "${url}/api/v1/software/who-has?name=openssl&versionLt=3.0.13"
  curl -s -H "Authorization: Bearer $STOCKTAKE_TOKEN" -H "Accept: text/csv" ${url}/api/v1/devices
The API reference: ${url}/docs
  pnpm agent inventory --pretty
An admin token (writes) is made on this host: pnpm collector token create --name you --role admin
The collector keeps running; Ctrl-C stops it.
`);
app.log.info('demo ready');
