import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Host, main } from '../command-line.ts';
import { openSqliteStores } from '../store/sqlite/stores.ts';
import { dumpDatabase } from '../test-support/dump.ts';
import { EXIT } from './register-commands.ts';
import { runUserCommand, type UserCommand } from './user-commands.ts';

let dir: string;
let db: string;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stocktake-user-cli-'));
  db = join(dir, 'stocktake.db');
  await (await openSqliteStores(db)).close();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function run(cmd: Partial<UserCommand> & Pick<UserCommand, 'verb'>, input?: string) {
  const io = {
    stdout: '',
    stderr: '',
    out: (t: string) => {
      io.stdout += t;
    },
    err: (t: string) => {
      io.stderr += t;
    },
  };
  let read = false;
  const code = await runUserCommand(
    db,
    { passwordStdin: false, includeDisabled: false, json: false, actor: 'cli:ops', ...cmd },
    io,
    async () => {
      read = true;
      if (input === undefined) throw new Error('the command read standard input unasked');
      return input;
    },
  );
  return { code, stdout: io.stdout, stderr: io.stderr, read };
}

/** The account a password logs in, looked up on the database as the collector would. */
async function logsIn(name: string, password: string): Promise<boolean> {
  const stores = await openSqliteStores(db);
  try {
    return (await stores.users.verify(name, password)) !== undefined;
  } finally {
    await stores.close();
  }
}

describe('stocktake-collector user', () => {
  it('creates an account with a password made and printed once on stdout alone, never stored', async () => {
    const made = await run({ verb: 'create', name: 'ops-lead', role: 'admin' });
    expect(made.code, made.stderr).toBe(EXIT.ok);
    const password = made.stdout.trim();
    expect(password).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(made.stderr).toBe('created admin "ops-lead": the password above is shown only this once\n');
    expect(made.read).toBe(false);
    expect(await logsIn('ops-lead', password)).toBe(true);
    const stores = await openSqliteStores(db);
    expect(JSON.stringify(dumpDatabase(stores.database.sqlite))).not.toContain(password);
    expect((await stores.audit.history('user', '1'))[0]).toMatchObject({ action: 'create', actor: 'cli:ops' });
    await stores.close();
  });

  it('reads the password from standard input with --password-stdin, dropping its line break, and prints nothing of it', async () => {
    const made = await run(
      { verb: 'create', name: 'ana', role: 'reader', passwordStdin: true },
      'a long passphrase of mine\n',
    );
    expect(made).toMatchObject({ code: EXIT.ok, stdout: '', read: true });
    expect(made.stderr).toBe('created reader "ana"\n');
    expect(await logsIn('ana', 'a long passphrase of mine')).toBe(true);

    const short = await run({ verb: 'create', name: 'bo', role: 'reader', passwordStdin: true }, 'short\n');
    expect(short).toMatchObject({ code: EXIT.dataErr, stdout: '' });
    expect(short.stderr).toBe('stocktake-collector: Password must be at least 12 characters\n');
  });

  it('lists, resets and disables accounts; a reset or a disable ends the account’s sessions', async () => {
    await run({ verb: 'create', name: 'ana', role: 'reader', passwordStdin: true }, 'a long passphrase of mine');
    let stores = await openSqliteStores(db);
    const session = await stores.users.startSession(1);
    await stores.close();

    const reset = await run({ verb: 'reset-password', ref: 'ana' });
    expect(reset.code, reset.stderr).toBe(EXIT.ok);
    const password = reset.stdout.trim();
    expect(await logsIn('ana', password)).toBe(true);
    expect(await logsIn('ana', 'a long passphrase of mine')).toBe(false);
    stores = await openSqliteStores(db);
    expect(await stores.users.session(session.token)).toBeUndefined();
    const again = await stores.users.startSession(1);
    await stores.close();

    const disabled = await run({ verb: 'disable', ref: 'ana' });
    expect(disabled).toMatchObject({ code: EXIT.ok, stdout: '' });
    expect(disabled.stderr).toBe('disabled user "ana": its sessions have ended\n');
    stores = await openSqliteStores(db);
    expect(await stores.users.session(again.token)).toBeUndefined();
    await stores.close();
    expect(await logsIn('ana', password)).toBe(false);
    expect(await run({ verb: 'disable', ref: 'ana' })).toMatchObject({ code: EXIT.noInput });

    expect((await run({ verb: 'list' })).stdout).not.toContain('ana');
    const all = await run({ verb: 'list', includeDisabled: true });
    expect(all.stdout).toMatch(/^ID\s+NAME\s+ROLE\s+CREATED\s+BY\s+PASSWORD SET\s+DISABLED\n1\s+ana\s+reader/);
    expect(all.stdout).toContain('by cli:ops');
    const json = JSON.parse((await run({ verb: 'list', includeDisabled: true, json: true })).stdout);
    expect(json).toEqual([expect.objectContaining({ name: 'ana', disabledBy: 'cli:ops' })]);
  });

  it('refuses a missing name or role and a taken name', async () => {
    expect(await run({ verb: 'create', name: 'ana' })).toMatchObject({ code: EXIT.usage });
    expect(await run({ verb: 'create', name: 'ana', role: 'owner' })).toMatchObject({
      code: EXIT.usage,
      stderr: 'stocktake-collector: --role must be one of admin, reader\n',
    });
    expect(await run({ verb: 'disable' })).toMatchObject({ code: EXIT.usage });
    await run({ verb: 'create', name: 'ana', role: 'reader' });
    expect(await run({ verb: 'create', name: 'ana', role: 'admin' })).toMatchObject({
      code: EXIT.dataErr,
      stderr: 'stocktake-collector: A user is already named ana\n',
    });
  });
});

/** The shell words of a README line (single quotes only, as the README writes them). */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => (m[1] ?? m[2]) as string);
}

describe('the README’s user commands', () => {
  it('run as written, through the command line, on one database', async () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('### People and sessions'));
    const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const lines = block
      .split('\n')
      .map((l) => l.replace(/\s+#.*$/, '').trim())
      .filter(Boolean);
    expect(lines.length).toBe(5);
    const printed: string[] = [];
    for (const line of lines) {
      // `printf '%s\n' 'X' | pnpm collector ...`: X and a line break on standard input.
      const [pipe, command = pipe] = line.includes(' | ') ? line.split(' | ') : [undefined, line];
      const input = pipe ? `${words(pipe)[2]}\n` : undefined;
      const argv = words(command as string);
      expect(argv.slice(0, 2), line).toEqual(['pnpm', 'collector']);
      let stdout = '';
      let stderr = '';
      const host: Host = {
        env: { STOCKTAKE_DB: db },
        uid: 1000,
        configPath: join(dir, 'none.json'),
        readInput: async () => {
          if (input === undefined) throw new Error(`${line} read standard input`);
          return input;
        },
      };
      const code = await main(
        argv.slice(2),
        {
          out: (t) => {
            stdout += t;
          },
          err: (t) => {
            stderr += t;
          },
        },
        host,
      );
      expect(code, `${line}: ${stderr}`).toBe(0);
      printed.push(stdout);
    }
    // The made passwords log in; ana's own was replaced by reset-password, and she is disabled.
    expect(await logsIn('ops-lead', (printed[0] as string).trim())).toBe(true);
    expect(printed[2]).toContain('ana');
    expect(await logsIn('ana', (printed[3] as string).trim())).toBe(false);
  });
});
