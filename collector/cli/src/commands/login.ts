import type { CommandSpec } from '../command.ts';
import { configPath, DEFAULT_PROFILE, normaliseUrl, writeProfile } from '../config.ts';
import { UsageError } from '../errors.ts';
import { ApiClient } from '../http-client.ts';
import { timeoutMs } from '../timeout.ts';

export const login: CommandSpec = {
  path: ['login'],
  summary: 'Save a collector URL and token as a profile (checked first)',
  details: [
    'Writes ~/.config/stocktake/config.json (STOCKTAKE_CONFIG to choose another file) with mode 0600. Before saving, checks that the URL is a Stocktake collector and that the token may read from it; --skip-check saves without asking the collector.',
  ],
  offline: true,
  flags: [
    { name: 'url', kind: 'string', value: 'URL', description: 'Collector URL; required' },
    { name: 'token', kind: 'string', value: 'TOKEN', description: 'API token' },
    {
      name: 'profile',
      kind: 'string',
      value: 'NAME',
      description: `Name of the profile to write (default "${DEFAULT_PROFILE}")`,
    },
    { name: 'skip-check', kind: 'boolean', description: 'Save without contacting the collector' },
    { name: 'timeout', kind: 'string', value: 'SECONDS', description: 'Give up on the check after this long' },
  ],
  examples: [
    'stocktake login --url https://stocktake.example.org --token "$TOKEN"',
    'stocktake login --url http://127.0.0.1:8080 --token "$TOKEN" --profile lab',
  ],
  async run(ctx) {
    const raw = ctx.flags.string('url');
    if (!raw) throw new UsageError('login needs --url URL', ['login']);
    const url = normaliseUrl(raw, '--url');
    const token = ctx.flags.string('token');
    const name = ctx.flags.string('profile') ?? DEFAULT_PROFILE;
    if (!/^[\w.-]{1,64}$/.test(name)) {
      throw new UsageError(`--profile: a profile name is 1 to 64 letters, digits, ".", "-" or "_" (got "${name}")`);
    }
    if (!ctx.flags.bool('skip-check')) {
      const client = new ApiClient(
        { url, source: '--url', ...(token ? { token } : {}) },
        timeoutMs(ctx.flags.string('timeout')),
        (text) => ctx.io.err(`stocktake: ${text}\n`),
      );
      // Reaching a route behind the token proves both the URL and the token.
      await client.get('/api/v1/devices', { limit: 1 });
    }
    const path = configPath(ctx.io.env);
    writeProfile(path, name, { url, ...(token ? { token } : {}) }, (line) => ctx.io.err(`${line}\n`));
    ctx.print.note(`Saved profile "${name}" (${url}) in ${path}`);
  },
};
