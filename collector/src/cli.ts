import { parseArgs } from 'node:util';
import { ConfigError, ensureEnrollSecret, resolveConfig } from './config.ts';
import { serve } from './server.ts';
import { COLLECTOR_VERSION } from './version.ts';

const USAGE = `Usage: stocktake-collector <command> [options]

Commands:
  serve                Run the collector (HTTP API for agents and sysadmins)
  enroll-secret        Print the enroll secret agents must present
  version              Print the version

Options (flags override environment variables):
  --db PATH                   SQLite file (STOCKTAKE_DB, default ./data/stocktake.db)
  --host HOST                 Listen address (STOCKTAKE_HOST, default 127.0.0.1)
  --port N                    Listen port (STOCKTAKE_PORT, default 8080; 0 picks a free one)
  --enroll-secret S           Enroll secret (STOCKTAKE_ENROLL_SECRET; default: generated and
                              stored beside the database on first start)
  --snapshot-body-limit BYTES Largest snapshot accepted (STOCKTAKE_SNAPSHOT_BODY_LIMIT, 16 MiB)
  --body-limit BYTES          Largest body on other routes (STOCKTAKE_BODY_LIMIT, 1 MiB)
  --log-level LEVEL           fatal|error|warn|info|debug|trace|silent (STOCKTAKE_LOG_LEVEL)
`;

export async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        db: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        'enroll-secret': { type: 'string' },
        'snapshot-body-limit': { type: 'string' },
        'body-limit': { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    process.stderr.write(`stocktake-collector: ${(err as Error).message}\n${USAGE}`);
    return 64;
  }
  const [command] = parsed.positionals;
  if (parsed.values.help || !command) {
    process.stdout.write(USAGE);
    return command || parsed.values.help ? 0 : 64;
  }
  try {
    const config = resolveConfig(parsed.values as Record<string, string | undefined>, process.env);
    switch (command) {
      case 'serve': {
        const { url } = await serve(config);
        process.stderr.write(`stocktake-collector ${COLLECTOR_VERSION} listening on ${url}\n`);
        return -1;
      }
      case 'enroll-secret': {
        const { secret, path } = ensureEnrollSecret(config);
        process.stdout.write(`${secret}\n`);
        if (path) process.stderr.write(`(stored in ${path})\n`);
        return 0;
      }
      case 'version':
        process.stdout.write(`${COLLECTOR_VERSION}\n`);
        return 0;
      default:
        process.stderr.write(`stocktake-collector: unknown command "${command}"\n${USAGE}`);
        return 64;
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`stocktake-collector: ${err.message}\n`);
      return 78;
    }
    throw err;
  }
}

const code = await main(process.argv.slice(2));
// -1: a server is running; let it keep the process alive.
if (code >= 0) process.exitCode = code;
