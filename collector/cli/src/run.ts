import { formatUsageError, type UsageHint } from '@stocktake/shared/cli';
import type { CommandContext, CommandSpec, Io } from './command.ts';
import { resolveConnection } from './config.ts';
import { CliError, UsageError } from './errors.ts';
import { EXIT } from './exit-codes.ts';
import { commandUsage, helpFor } from './help.ts';
import { ApiClient } from './http-client.ts';
import { Printer } from './output.ts';
import { findCommand, parse } from './parse.ts';
import { timeoutMs } from './timeout.ts';
import { CLI_VERSION } from './version.ts';

/** One invocation of `stocktake`: parse, run, and the exit code; every failure is one line on stderr. */
export async function runCli(argv: readonly string[], io: Io, commands: readonly CommandSpec[]): Promise<number> {
  const warn = (line: string) => io.err(`stocktake: ${line}\n`);
  try {
    const parsed = parse(argv, commands);
    if (parsed.kind === 'version') {
      io.out(`${CLI_VERSION}\n`);
      return EXIT.ok;
    }
    if (parsed.kind === 'help') {
      const text = helpFor(commands, parsed.path);
      if (!text) throw new UsageError(`no help for "${parsed.path.join(' ')}": no such command`, []);
      io.out(text);
      return EXIT.ok;
    }
    const { command, flags } = parsed;
    let client: ApiClient | undefined;
    const ctx: CommandContext = {
      args: parsed.args,
      flags,
      json: parsed.json,
      io,
      print: new Printer(io),
      commands,
      async client() {
        client ??= new ApiClient(
          resolveConnection(
            { url: flags.string('url'), token: flags.string('token'), profile: flags.string('profile') },
            io.env,
            warn,
          ),
          timeoutMs(flags.string('timeout')),
          warn,
        );
        return client;
      },
    };
    await command.run(ctx);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(formatUsageError('stocktake', err.message, err.usageOf ? usageHint(commands, err.usageOf) : {}));
      return err.exitCode;
    }
    if (err instanceof CliError) {
      io.err(`stocktake: ${err.message}\n`);
      for (const line of err.more) io.err(`${line}\n`);
      return err.exitCode;
    }
    io.err(`stocktake: internal error: ${(err as Error).stack ?? String(err)}\n`);
    return EXIT.internal;
  }
}

/** The usage line of the command (or group) a usage error is about, and how to get its help. */
function usageHint(commands: readonly CommandSpec[], path: readonly string[]): UsageHint {
  const command = path.length > 0 ? findCommand(commands, path) : undefined;
  return {
    usage:
      command && command.path.length === path.length
        ? commandUsage(command)
        : `${['stocktake', ...path].join(' ')} <command> [arguments] [options]`,
    help: `stocktake ${[...path, '--help'].join(' ')}`,
  };
}
