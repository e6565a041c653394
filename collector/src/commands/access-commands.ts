import { API_ROLES, type ApiRole } from '@stocktake/shared/api';
import { openCollector } from '../compose/collector.ts';
import type { DatabaseLocation } from '../compose/stores.ts';
import type { ApiToken, EnrollSecret } from '../domain/access/ports.ts';
import { ADMIN_DATABASE, noDatabaseAt } from './admin-database.ts';
import { reportDomainRefusal } from './domain-refusal.ts';
import { EXIT, type Io } from './register-commands.ts';

export interface AccessCommand {
  /** token | enroll-secret */
  noun: 'token' | 'enroll-secret';
  verb: string;
  /** The token or secret a revoke names. */
  ref?: string;
  name?: string;
  role?: string;
  includeRevoked: boolean;
  keepPrevious: boolean;
  json: boolean;
  actor: string;
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => `${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd()).join('\n');
}

const tokenRows = (tokens: ApiToken[]) =>
  table([
    ['ID', 'NAME', 'ROLE', 'CREATED', 'BY', 'LAST USED', 'REVOKED'],
    ...tokens.map((t) => [
      String(t.id),
      t.name,
      t.role,
      t.createdAt,
      t.createdBy,
      t.lastUsedAt ?? '-',
      t.revokedAt ? `${t.revokedAt} by ${t.revokedBy ?? '?'}` : '-',
    ]),
  ]);

const secretRows = (secrets: EnrollSecret[]) =>
  table([
    ['ID', 'FINGERPRINT', 'ORIGIN', 'CREATED', 'BY', 'REVOKED'],
    ...secrets.map((s) => [
      String(s.id),
      s.fingerprint,
      s.origin,
      s.createdAt,
      s.createdBy,
      s.revokedAt ? `${s.revokedAt} by ${s.revokedBy ?? '?'}` : '-',
    ]),
  ]);

/**
 * `token create|list|revoke` and `enroll-secret list|rotate|revoke` against the database on
 * this host: how the first admin token comes to exist. Secrets go to stdout alone, so
 * `TOKEN=$(stocktake-collector token create ...)` works; explanations go to stderr.
 */
export async function runAccessCommand(dbPath: DatabaseLocation, cmd: AccessCommand, io: Io): Promise<number> {
  const missing = noDatabaseAt(dbPath);
  if (missing) {
    io.err(missing);
    return EXIT.noInput;
  }
  const collector = await openCollector({ dbPath, database: ADMIN_DATABASE });
  try {
    const { apiTokens: tokens, enrollSecrets: secrets } = collector.stores;
    const key = `${cmd.noun} ${cmd.verb}`;
    try {
      switch (key) {
        case 'token create': {
          if (!cmd.name || !cmd.role) {
            io.err('stocktake-collector: token create needs --name NAME and --role admin|reader\n');
            return EXIT.usage;
          }
          if (!(API_ROLES as readonly string[]).includes(cmd.role)) {
            io.err(`stocktake-collector: --role must be one of ${API_ROLES.join(', ')}\n`);
            return EXIT.usage;
          }
          const { token, secret } = await tokens.create({ name: cmd.name, role: cmd.role as ApiRole }, cmd.actor);
          if (cmd.json) io.out(`${JSON.stringify({ ...token, secret }, null, 2)}\n`);
          else {
            io.out(`${secret}\n`);
            io.err(`created ${token.role} token ${token.id} "${token.name}": the line above is shown only this once\n`);
          }
          return EXIT.ok;
        }
        case 'token list': {
          const list = await tokens.list({ includeRevoked: cmd.includeRevoked });
          io.out(cmd.json ? `${JSON.stringify(list, null, 2)}\n` : `${tokenRows(list)}\n`);
          return EXIT.ok;
        }
        case 'token revoke': {
          if (!cmd.ref) {
            io.err('stocktake-collector: token revoke needs a token NAME or ID\n');
            return EXIT.usage;
          }
          const revoked = await tokens.revoke(cmd.ref, cmd.actor);
          if (cmd.json) io.out(`${JSON.stringify(revoked, null, 2)}\n`);
          else io.err(`revoked token ${revoked.id} "${revoked.name}"\n`);
          return EXIT.ok;
        }
        case 'enroll-secret list': {
          const list = await secrets.list({ includeRevoked: cmd.includeRevoked });
          io.out(cmd.json ? `${JSON.stringify(list, null, 2)}\n` : `${secretRows(list)}\n`);
          return EXIT.ok;
        }
        case 'enroll-secret rotate': {
          const result = await secrets.rotate(cmd.actor, { keepPrevious: cmd.keepPrevious });
          if (cmd.json) io.out(`${JSON.stringify(result, null, 2)}\n`);
          else {
            io.out(`${result.secret}\n`);
            io.err(
              `new enroll secret ${result.created.id} (fingerprint ${result.created.fingerprint}): the line above is shown only this once\n` +
                (result.revoked.length > 0
                  ? `revoked ${result.revoked.map((s) => s.id).join(', ')}; enrolled agents keep working\n`
                  : ''),
            );
          }
          return EXIT.ok;
        }
        case 'enroll-secret revoke': {
          if (!cmd.ref) {
            io.err('stocktake-collector: enroll-secret revoke needs an ID or FINGERPRINT\n');
            return EXIT.usage;
          }
          const revoked = await secrets.revoke(cmd.ref, cmd.actor);
          if (cmd.json) io.out(`${JSON.stringify(revoked, null, 2)}\n`);
          else io.err(`revoked enroll secret ${revoked.id} (fingerprint ${revoked.fingerprint})\n`);
          return EXIT.ok;
        }
        default:
          io.err(`stocktake-collector: unknown command "${key}"\n`);
          return EXIT.usage;
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
