import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from './command-line.ts';

/** One invocation, in-process; usage errors are found before any database or port is touched. */
async function collector(args: string[]) {
  let stdout = '';
  let stderr = '';
  const env = { ...process.env };
  process.env.STOCKTAKE_DB = join(import.meta.dirname, 'no-such-dir', 'never.db');
  try {
    const code = await main(args, {
      out: (text) => {
        stdout += text;
      },
      err: (text) => {
        stderr += text;
      },
    });
    return { code, stdout, stderr };
  } finally {
    process.env = env;
  }
}

const SEE = ['Usage: stocktake-collector <command> [options]', 'See: stocktake-collector --help', ''];

describe('stocktake-collector usage errors', async () => {
  it('exits 64 on an unknown command, naming the one meant', async () => {
    expect(await collector(['tokn', 'list'])).toEqual({
      code: 64,
      stdout: '',
      stderr: ['stocktake-collector: unknown command "tokn" (did you mean token?)', ...SEE].join('\n'),
    });
  });

  it('exits 64 on an unknown subcommand, naming the one meant or listing them', async () => {
    const typo = await collector(['token', 'craete', '--name', 'x', '--role', 'reader']);
    expect(typo.code).toBe(64);
    expect(typo.stderr.split('\n')[0]).toBe(
      'stocktake-collector: unknown command "token craete" (did you mean token create?)',
    );
    const [none, wild] = [await collector(['assets']), await collector(['assets', 'shred'])];
    expect([none.code, wild.code]).toEqual([64, 64]);
    expect(none.stderr.split('\n')[0]).toBe('stocktake-collector: assets needs a command: import, export');
    expect(wild.stderr.split('\n')[0]).toBe(
      'stocktake-collector: unknown command "assets shred" (assets has import, export)',
    );
  });

  it('exits 64 on an unknown flag, naming the one meant', async () => {
    expect(await collector(['reconcile', '--jsno'])).toEqual({
      code: 64,
      stdout: '',
      stderr: ['stocktake-collector: unknown option "--jsno" (did you mean --json?)', ...SEE].join('\n'),
    });
    expect((await collector(['serve', '--prot', '0'])).stderr.split('\n')[0]).toBe(
      'stocktake-collector: unknown option "--prot" (did you mean --port?)',
    );
  });

  it('exits 78 with one line when --trust-proxy would believe any client', async () => {
    for (const value of ['true', '2']) {
      const res = await collector(['serve', '--trust-proxy', value, '--port', '0']);
      expect(res.code, res.stderr).toBe(78);
      expect(res.stderr).toMatch(/^stocktake-collector: invalid trust-proxy: .*name the proxies instead.*\n$/);
      expect(res.stderr.split('\n')).toHaveLength(2);
    }
  });

  it('exits 64 without a command or on a word too many, and 0 with the help on --help', async () => {
    const none = await collector([]);
    expect(none.code).toBe(64);
    expect(none.stderr).toBe(['stocktake-collector: a command is needed', ...SEE].join('\n'));
    const extra = await collector(['token', 'revoke', 'a', 'b']);
    expect(extra.code).toBe(64);
    expect(extra.stderr.split('\n')[0]).toBe('stocktake-collector: unexpected argument "b"');
    const help = await collector(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: stocktake-collector <command> \[options\]/);
  });

  it('backup and restore take one FILE; service takes an action and nothing after it', async () => {
    for (const command of ['backup', 'restore']) {
      const none = await collector([command]);
      expect(none.code).toBe(64);
      expect(none.stderr.split('\n')[0]).toBe(`stocktake-collector: ${command} needs a FILE`);
      const two = await collector([command, 'a.db', 'b.db']);
      expect(two.code).toBe(64);
      expect(two.stderr.split('\n')[0]).toBe('stocktake-collector: unexpected argument "b.db"');
    }
    const typo = await collector(['service', 'unistall']);
    expect(typo.code).toBe(64);
    expect(typo.stderr.split('\n')[0]).toBe(
      'stocktake-collector: unknown command "service unistall" (did you mean service uninstall?)',
    );
    const extra = await collector(['service', 'install', 'now']);
    expect(extra.code).toBe(64);
    expect(extra.stderr.split('\n')[0]).toBe('stocktake-collector: unexpected argument "now"');
  });

  it('backup of a database that is not there says so (66) and writes nothing', async () => {
    const run = await collector(['backup', join(import.meta.dirname, 'no-such-dir', 'copy.db')]);
    expect(run.code).toBe(66);
    expect(run.stderr).toMatch(/^stocktake-collector: no database at .*never\.db/);
  });
});
