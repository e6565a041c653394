import type { CommandSpec, FlagSpec } from './command.ts';
import { EXIT_MEANINGS } from './exit-codes.ts';
import { ALWAYS_FLAGS, ONLINE_FLAGS } from './flags.ts';
import { findCommand } from './parse.ts';

const WRAP = 96;

/** A paragraph broken at spaces to lines of at most WRAP characters. */
export function wrap(text: string, width = WRAP): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

function flagUsage(flag: FlagSpec): string {
  const names = `${flag.short ? `-${flag.short}, ` : ''}--${flag.name}`;
  return flag.kind === 'string' ? `${names} ${flag.value ?? 'VALUE'}` : names;
}

function block(rows: readonly (readonly [string, string])[], indent = '  '): string {
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return rows
    .map(([left, right]) =>
      left.length > 28
        ? `${indent}${left}\n${indent}${' '.repeat(30)}${right}`
        : `${indent}${left.padEnd(width)}  ${right}`,
    )
    .join('\n');
}

function flagRows(flags: readonly FlagSpec[]): [string, string][] {
  return flags.map((f) => [
    flagUsage(f),
    `${f.description}${f.choices ? ` (${f.choices.join(', ')})` : ''}${f.multiple ? '; repeatable' : ''}`,
  ]);
}

export function commandUsage(command: CommandSpec): string {
  const args = (command.args ?? []).map((a) => (a.optional ? `[${a.name}]` : a.name));
  return ['stocktake', ...command.path, ...args, '[options]'].join(' ');
}

const EXIT_TABLE = EXIT_MEANINGS.map(([code, meaning]) => [String(code), meaning] as const);

const CONNECTION_TEXT = [
  'Which collector and token: --url/--token, then the profile named by --profile or',
  'STOCKTAKE_PROFILE, then STOCKTAKE_URL/STOCKTAKE_TOKEN, then the "default" profile of',
  '~/.config/stocktake/config.json (STOCKTAKE_CONFIG to use another file). Save one with',
  "stocktake login. A profile's token is only ever sent to that profile's URL.",
].join('\n');

export function rootHelp(commands: readonly CommandSpec[]): string {
  return `stocktake: the Stocktake command line for sysadmins (inventory, register, findings)

Usage: stocktake <command> [arguments] [options]

Commands:
${block(commands.map((c) => [[...c.path, ...(c.args ?? []).map((a) => (a.optional ? `[${a.name}]` : a.name))].join(' '), c.summary]))}

Options of every command that talks to a collector:
${block(flagRows([...ONLINE_FLAGS, ...ALWAYS_FLAGS]))}

${CONNECTION_TEXT}

Output: aligned tables fitted to the terminal's width (long cells end in "…"; on a very narrow
terminal columns are left out from the right; when stdout is not a terminal nothing is cut unless
COLUMNS is set). Notes go to stderr, so stdout stays data. --json prints what the API answered.
Progress bars for imports and exports go to stderr, only when it is a terminal.

Exit codes:
${block(EXIT_TABLE)}

Run stocktake <command> --help for its arguments and options; stocktake --version for the version.
`;
}

export function nounHelp(commands: readonly CommandSpec[], noun: string): string {
  const own = commands.filter((c) => c.path[0] === noun);
  return `Usage: stocktake ${noun} <command> [arguments] [options]

Commands:
${block(
  own.map((c) => [
    commandUsage(c)
      .replace(/^stocktake /, '')
      .replace(/ \[options\]$/, ''),
    c.summary,
  ]),
)}

Run stocktake ${noun} <command> --help for its options.
`;
}

export function commandHelp(command: CommandSpec): string {
  const parts = [`Usage: ${commandUsage(command)}`, command.summary];
  if (command.details?.length) parts.push(command.details.map((d) => wrap(d)).join('\n\n'));
  if (command.args?.length) {
    parts.push(`Arguments:\n${block(command.args.map((a) => [a.name, a.description]))}`);
  }
  if (command.flags?.length) parts.push(`Options:\n${block(flagRows(command.flags))}`);
  parts.push(
    command.offline
      ? `Common options:\n${block(flagRows(ALWAYS_FLAGS))}`
      : `Common options:\n${block(flagRows([...ONLINE_FLAGS, ...ALWAYS_FLAGS]))}`,
  );
  if (command.examples?.length) parts.push(`Examples:\n${command.examples.map((e) => `  ${e}`).join('\n')}`);
  parts.push(`Exit codes:\n${block(EXIT_TABLE)}`);
  return `${parts.join('\n\n')}\n`;
}

/** Help for `stocktake help [noun [verb]]` and `--help` at any depth. */
export function helpFor(commands: readonly CommandSpec[], path: readonly string[]): string | undefined {
  if (path.length === 0) return rootHelp(commands);
  const command = findCommand(commands, path);
  if (command && command.path.length === path.length) return commandHelp(command);
  if (path.length === 1 && commands.some((c) => c.path[0] === path[0])) return nounHelp(commands, path[0] ?? '');
  return undefined;
}
