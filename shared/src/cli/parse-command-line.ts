import { type ParseArgsConfig, parseArgs } from 'node:util';
import { closestWord, didYouMean } from './suggest.ts';
import { UsageError, type UsageHint } from './usage-error.ts';

/** The options of a command line, as node:util parseArgs takes them. */
export type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

interface Strict<T extends OptionsConfig> {
  args: string[];
  options: T;
  allowPositionals: true;
  strict: true;
}

/** What parseArgs found: values typed from the options, and the positionals in order. */
export type ParsedCommandLine<T extends OptionsConfig> = ReturnType<typeof parseArgs<Strict<T>>>;

function optionNames(options: OptionsConfig): string[] {
  return Object.keys(options).map((name) => `--${name}`);
}

/** The option an error of parseArgs names, as the user typed it (`--colour`, `-x`). */
function namedOption(message: string): string | undefined {
  return /'(-[^' ]+)'/.exec(message)?.[1];
}

/** parseArgs's complaints rewritten the way the command lines word their other usage errors. */
function usageErrorOf(err: Error, code: string, options: OptionsConfig, hint: UsageHint): UsageError {
  const firstLine = err.message.split('\n')[0] ?? 'bad option';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = namedOption(firstLine) ?? firstLine;
    const suggestion = option.startsWith('--') ? didYouMean(option, optionNames(options)) : '';
    return new UsageError(`unknown option "${option}"${suggestion}`, hint);
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    // "Option '-u, --url <value>' argument missing" / "Option '--json' does not take an argument"
    const long = /--([^' ]+)/.exec(firstLine)?.[1];
    if (long !== undefined) {
      return new UsageError(
        firstLine.includes('does not take') ? `--${long} takes no value` : `--${long} needs a value`,
        hint,
      );
    }
  }
  return new UsageError(firstLine, hint);
}

/**
 * argv through node:util parseArgs, strictly: an unknown option or a missing value is a
 * UsageError (exit 64) that names the option meant when one is close. Positionals are always
 * allowed; the caller says which it takes.
 */
export function parseCommandLine<const T extends OptionsConfig>(
  args: readonly string[],
  options: T,
  hint: UsageHint = {},
): ParsedCommandLine<T> {
  try {
    return parseArgs<Strict<T>>({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? String(err.code) : '';
    if (err instanceof Error && code.startsWith('ERR_PARSE_ARGS_')) throw usageErrorOf(err, code, options, hint);
    throw err;
  }
}

/**
 * Refuses a command (or subcommand) word that is not one of `known`:
 * `unknown command "invntory" (did you mean inventory?)`.
 */
export function unknownCommand(word: string, known: readonly string[], hint: UsageHint = {}): UsageError {
  return new UsageError(`unknown command "${word}"${didYouMean(word, known)}`, hint);
}

/**
 * Refuses a subcommand that `command` does not have, naming the one meant, else listing them:
 * `unknown command "devices lst" (did you mean devices list?)`.
 */
export function unknownSubcommand(
  command: string,
  word: string,
  known: readonly string[],
  hint: UsageHint = {},
): UsageError {
  const guess = closestWord(word, known);
  const after = guess === undefined ? `${command} has ${known.join(', ')}` : `did you mean ${command} ${guess}?`;
  return new UsageError(`unknown command "${command} ${word}" (${after})`, hint);
}
