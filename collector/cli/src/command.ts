import type { ApiClient } from './http-client.ts';
import type { Printer } from './output.ts';

/** A `--flag` a command accepts. One name has one kind across all commands (checked by a test). */
export interface FlagSpec {
  /** Long name, without the dashes. */
  name: string;
  short?: string;
  /** `string` takes a value, `boolean` does not. */
  kind: 'string' | 'boolean';
  /** Placeholder of the value in help, e.g. `DATE`. */
  value?: string;
  /** May be given more than once. */
  multiple?: boolean;
  description: string;
  /** The values it accepts; the shell completes them and the command line refuses others. */
  choices?: readonly string[];
  /** Values the shell offers without the command line refusing others (an open set the collector checks). */
  suggestions?: readonly string[];
  /** The value is a path (the shell completes file names). */
  file?: boolean;
}

/** A positional argument. */
export interface ArgSpec {
  name: string;
  description: string;
  optional?: boolean;
  /** What the shell completes here: file names, or a fixed list of words. */
  complete?: 'file' | readonly string[];
}

/** The parsed flags of one invocation, read through accessors that know each flag's kind. */
export interface Flags {
  string(name: string): string | undefined;
  bool(name: string): boolean;
  list(name: string): string[];
}

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Columns of the terminal stdout is, or undefined when it is not one (no truncation then). */
  stdoutColumns: number | undefined;
  /** Whether stderr is a terminal: progress bars only then. */
  stderrIsTty: boolean;
  env: NodeJS.ProcessEnv;
}

export interface CommandContext {
  /** Positional arguments by name; required ones are always present. */
  args: Readonly<Record<string, string | undefined>>;
  flags: Flags;
  /** `--json`: print the API's JSON as is. */
  json: boolean;
  io: Io;
  print: Printer;
  /** The client for the collector this invocation talks to (resolved on first use). */
  client(): Promise<ApiClient>;
  /** The whole command table (for completion). */
  commands: readonly CommandSpec[];
}

export interface CommandSpec {
  /** Words that name it: `['devices', 'list']`, or one word for a top-level command. */
  path: readonly string[];
  summary: string;
  /** Paragraphs of help after the usage line. */
  details?: readonly string[];
  args?: readonly ArgSpec[];
  flags?: readonly FlagSpec[];
  examples?: readonly string[];
  /** Does not talk to a collector (no connection flags in its help). */
  offline?: boolean;
  /** Resolves when done; failures are thrown as CliError. */
  run(ctx: CommandContext): Promise<void>;
}

export function required(ctx: CommandContext, name: string): string {
  const value = ctx.args[name];
  // The parser guarantees required arguments; this keeps the type honest.
  if (value === undefined) throw new Error(`argument ${name} missing after parsing`);
  return value;
}
