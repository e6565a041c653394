import { EXIT, type ExitCode } from './exit-codes.ts';

/** A failure the command line reports as one line on stderr (plus `more` lines) and an exit code. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    readonly more: readonly string[] = [],
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export class UsageError extends CliError {
  constructor(
    message: string,
    /** The command whose usage to show after the message, by path (e.g. ['devices', 'list']). */
    readonly usageOf?: readonly string[],
  ) {
    super(EXIT.usage, message);
    this.name = 'UsageError';
  }
}
