/** sysexits.h EX_USAGE: the command was used incorrectly (bad arguments, unknown command or option). */
export const EX_USAGE = 64;

/** Where to look after a usage error: the usage line of the command, and the command that shows its help. */
export interface UsageHint {
  /** `stocktake devices show DEVICE [options]`, without the `Usage:` in front. */
  usage?: string;
  /** `stocktake devices show --help`. */
  help?: string;
}

/** A command line used wrongly: every command line reports it the same way and exits EX_USAGE. */
export class UsageError extends Error {
  readonly exitCode = EX_USAGE;

  constructor(
    message: string,
    readonly hint: UsageHint = {},
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The one shape of a usage error on stderr, for every command line:
 * ```
 * stocktake: unknown command "devcies" (did you mean devices?)
 * Usage: stocktake <command> [arguments] [options]
 * See: stocktake --help
 * ```
 */
export function formatUsageError(program: string, message: string, hint: UsageHint = {}): string {
  return `${program}: ${usageErrorLines(message, hint)}\n`;
}

/**
 * The same text without the program's name in front and without the last newline, for a
 * command that writes its errors through a function adding both.
 */
export function usageErrorLines(message: string, hint: UsageHint = {}): string {
  const lines = [message];
  if (hint.usage) lines.push(`Usage: ${hint.usage}`);
  if (hint.help) lines.push(`See: ${hint.help}`);
  return lines.join('\n');
}
