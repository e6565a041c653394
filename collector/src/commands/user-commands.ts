import { API_ROLES, type ApiRole } from '@stocktake/shared/api';
import { openCollector } from '../compose/collector.ts';
import type { DatabaseLocation } from '../compose/stores.ts';
import { generatePassword } from '../domain/access/passwords.ts';
import type { User } from '../domain/access/ports.ts';
import { ADMIN_DATABASE, noDatabaseAt } from './admin-database.ts';
import { reportDomainRefusal } from './domain-refusal.ts';
import { EXIT, type Io } from './register-commands.ts';

export const USER_VERBS = ['create', 'list', 'disable', 'reset-password'] as const;

export interface UserCommand {
  verb: string;
  /** The account disable and reset-password name. */
  ref?: string;
  /** create: the account's name and role. */
  name?: string;
  role?: string;
  /** Read the password from standard input instead of making one. */
  passwordStdin: boolean;
  includeDisabled: boolean;
  json: boolean;
  actor: string;
}

/** Standard input, read to its end: where a password given by a person or a script comes from. */
export type ReadInput = () => Promise<string>;

/** Reads this process's standard input to its end. */
export const readProcessInput: ReadInput = async () => {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => `${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd()).join('\n');
}

const userRows = (users: User[]) =>
  table([
    ['ID', 'NAME', 'ROLE', 'CREATED', 'BY', 'PASSWORD SET', 'DISABLED'],
    ...users.map((u) => [
      String(u.id),
      u.name,
      u.role,
      u.createdAt,
      u.createdBy,
      u.passwordChangedAt,
      u.disabledAt ? `${u.disabledAt} by ${u.disabledBy ?? '?'}` : '-',
    ]),
  ]);

/**
 * The password a command sets: from standard input with --password-stdin (its one trailing line
 * break dropped, so `printf` and `echo` both work), else made here. Never a flag: a flag's value
 * lands in shell history and in every process listing.
 */
async function passwordFor(cmd: UserCommand, readInput: ReadInput): Promise<{ password: string; made: boolean }> {
  if (!cmd.passwordStdin) return { password: generatePassword(), made: true };
  return { password: (await readInput()).replace(/\r?\n$/, ''), made: false };
}

/** Prints what create and reset-password did: a made password on stdout alone, once. */
function report(io: Io, cmd: UserCommand, user: User, made: string | undefined, what: string): void {
  if (cmd.json) {
    io.out(`${JSON.stringify({ ...user, ...(made ? { password: made } : {}) }, null, 2)}\n`);
    return;
  }
  if (made) io.out(`${made}\n`);
  io.err(`${what} ${user.role} "${user.name}"${made ? ': the password above is shown only this once' : ''}\n`);
}

/**
 * `user create|list|disable|reset-password` against the database on this host: how the first
 * admin comes to exist. A password is read from standard input (--password-stdin) or made and
 * printed once on stdout alone, so `PASSWORD=$(stocktake-collector user create ...)` works.
 */
export async function runUserCommand(
  dbPath: DatabaseLocation,
  cmd: UserCommand,
  io: Io,
  readInput: ReadInput = readProcessInput,
): Promise<number> {
  if (!(USER_VERBS as readonly string[]).includes(cmd.verb)) {
    io.err(`stocktake-collector: unknown command "user ${cmd.verb}"\n`);
    return EXIT.usage;
  }
  if (cmd.verb === 'create' && (!cmd.name || !cmd.role)) {
    io.err('stocktake-collector: user create needs --name NAME and --role admin|reader\n');
    return EXIT.usage;
  }
  if (cmd.verb === 'create' && !(API_ROLES as readonly string[]).includes(cmd.role ?? '')) {
    io.err(`stocktake-collector: --role must be one of ${API_ROLES.join(', ')}\n`);
    return EXIT.usage;
  }
  if ((cmd.verb === 'disable' || cmd.verb === 'reset-password') && !cmd.ref) {
    io.err(`stocktake-collector: user ${cmd.verb} needs a user NAME\n`);
    return EXIT.usage;
  }
  const missing = noDatabaseAt(dbPath);
  if (missing) {
    io.err(missing);
    return EXIT.noInput;
  }
  const collector = await openCollector({ dbPath, database: ADMIN_DATABASE });
  try {
    const { users } = collector.stores;
    try {
      switch (cmd.verb) {
        case 'create': {
          const { password, made } = await passwordFor(cmd, readInput);
          const user = await users.create({ name: cmd.name as string, role: cmd.role as ApiRole, password }, cmd.actor);
          report(io, cmd, user, made ? password : undefined, 'created');
          return EXIT.ok;
        }
        case 'list': {
          const list = await users.list({ includeDisabled: cmd.includeDisabled });
          io.out(cmd.json ? `${JSON.stringify(list, null, 2)}\n` : `${userRows(list)}\n`);
          return EXIT.ok;
        }
        case 'disable': {
          const user = await users.disable(cmd.ref as string, cmd.actor);
          if (cmd.json) io.out(`${JSON.stringify(user, null, 2)}\n`);
          else io.err(`disabled user "${user.name}": its sessions have ended\n`);
          return EXIT.ok;
        }
        default: {
          const { password, made } = await passwordFor(cmd, readInput);
          const user = await users.resetPassword(cmd.ref as string, password, cmd.actor);
          report(io, cmd, user, made ? password : undefined, 'new password for');
          return EXIT.ok;
        }
      }
    } catch (err) {
      const code = reportDomainRefusal(err, io);
      if (code === undefined) throw err;
      return code;
    }
  } finally {
    await collector.close();
  }
}
