import {
  UsageError as CommandLineUsageError,
  didYouMean,
  parseCommandLine,
  unknownSubcommand,
} from '@stocktake/shared/cli';
import type { CommandSpec, FlagSpec, Flags } from './command.ts';
import { UsageError } from './errors.ts';
import { ALWAYS_FLAGS, ONLINE_FLAGS } from './flags.ts';

export type Parsed =
  | { kind: 'help'; path: readonly string[] }
  | { kind: 'version' }
  | {
      kind: 'run';
      command: CommandSpec;
      args: Record<string, string | undefined>;
      flags: Flags;
      json: boolean;
    };

/** Every flag a command accepts: its own, then the shared ones. */
export function flagsOf(command: CommandSpec): FlagSpec[] {
  return [...(command.flags ?? []), ...(command.offline ? [] : ONLINE_FLAGS), ...ALWAYS_FLAGS];
}

/** The kind of every flag name across the table, to tell `--url X` (value) from `--all X` (positional). */
function flagKinds(commands: readonly CommandSpec[]): Map<string, 'string' | 'boolean'> {
  const kinds = new Map<string, 'string' | 'boolean'>([['version', 'boolean']]);
  for (const command of commands) {
    for (const flag of flagsOf(command)) {
      kinds.set(`--${flag.name}`, flag.kind);
      if (flag.short) kinds.set(`-${flag.short}`, flag.kind);
    }
  }
  return kinds;
}

/** The words of argv that are not flags or flag values, in order. */
export function positionalsOf(argv: readonly string[], commands: readonly CommandSpec[]): string[] {
  const kinds = flagKinds(commands);
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? '';
    if (token === '--') {
      words.push(...argv.slice(i + 1));
      break;
    }
    if (token.startsWith('-') && token.length > 1) {
      if (!token.includes('=') && kinds.get(token) === 'string') i++;
      continue;
    }
    words.push(token);
  }
  return words;
}

export function nounsOf(commands: readonly CommandSpec[]): string[] {
  return [...new Set(commands.map((c) => c.path[0] ?? ''))];
}

export function findCommand(commands: readonly CommandSpec[], words: readonly string[]): CommandSpec | undefined {
  return commands
    .filter((c) => c.path.every((w, i) => words[i] === w))
    .sort((a, b) => b.path.length - a.path.length)[0];
}

/**
 * `--sort -installs` as `--sort=-installs`: a value-taking flag takes the next word whatever it
 * looks like (node's parser would call a leading dash ambiguous). A forgotten value then shows
 * as a value starting with `--`, which is refused below.
 */
export function joinFlagValues(argv: readonly string[], commands: readonly CommandSpec[]): string[] {
  const kinds = flagKinds(commands);
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? '';
    if (token === '--') {
      joined.push(...argv.slice(i));
      break;
    }
    const next = argv[i + 1];
    if (token.startsWith('--') && !token.includes('=') && kinds.get(token) === 'string' && next !== undefined) {
      joined.push(`${token}=${next}`);
      i++;
    } else joined.push(token);
  }
  return joined;
}

/** argv (without node and the script) → what to do. Usage problems are thrown as UsageError. */
export function parse(rawArgv: readonly string[], commands: readonly CommandSpec[]): Parsed {
  const argv = joinFlagValues(rawArgv, commands);
  const words = positionalsOf(argv, commands);
  const wantsHelp = argv.includes('--help') || argv.includes('-h');
  const [first] = words;
  if (first === undefined) {
    if (argv.includes('--version') && argv.length === 1) return { kind: 'version' };
    if (wantsHelp) return { kind: 'help', path: [] };
    throw new UsageError(argv.length === 0 ? 'a command is needed' : `unexpected ${argv[0]}`, []);
  }
  if (first === 'help') return { kind: 'help', path: words.slice(1, 3) };

  const nouns = nounsOf(commands);
  if (!nouns.includes(first)) {
    throw new UsageError(`unknown command "${first}"${didYouMean(first, nouns)}`, []);
  }
  const command = findCommand(commands, words);
  if (!command) {
    if (wantsHelp) return { kind: 'help', path: [first] };
    const verbs = commands.filter((c) => c.path[0] === first).map((c) => c.path[1] ?? '');
    const second = words[1];
    if (second === undefined) throw new UsageError(`${first} needs a command: ${verbs.join(', ')}`, [first]);
    throw new UsageError(unknownSubcommand(first, second, verbs).message, [first]);
  }
  if (wantsHelp) return { kind: 'help', path: command.path };

  const specs = flagsOf(command);
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  let positionals: string[];
  try {
    const parsed = parseCommandLine(
      argv,
      Object.fromEntries(
        specs.map((f) => [
          f.name,
          { type: f.kind, ...(f.short ? { short: f.short } : {}), ...(f.multiple ? { multiple: true } : {}) },
        ]),
      ),
    );
    values = parsed.values;
    positionals = parsed.positionals;
  } catch (err) {
    if (err instanceof CommandLineUsageError) throw new UsageError(err.message, command.path);
    throw err;
  }

  for (const spec of specs) {
    const value = values[spec.name];
    if (spec.kind !== 'string' || value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v !== 'string') continue;
      if (v === '' || v.startsWith('--')) {
        throw new UsageError(`--${spec.name} needs a value${spec.value ? ` (${spec.value})` : ''}`, command.path);
      }
      if (spec.choices && !spec.choices.includes(v)) {
        throw new UsageError(`--${spec.name} must be one of ${spec.choices.join(', ')} (got "${v}")`, command.path);
      }
    }
  }

  const rest = positionals.slice(command.path.length);
  const argSpecs = command.args ?? [];
  if (rest.length > argSpecs.length) {
    throw new UsageError(`unexpected argument "${rest[argSpecs.length]}"`, command.path);
  }
  const args: Record<string, string | undefined> = {};
  argSpecs.forEach((spec, i) => {
    const value = rest[i];
    if (value === undefined && !spec.optional) {
      throw new UsageError(`${command.path.join(' ')} needs ${spec.name}`, command.path);
    }
    if (value !== undefined && Array.isArray(spec.complete) && !spec.complete.includes(value)) {
      throw new UsageError(`${spec.name} must be one of ${spec.complete.join(', ')} (got "${value}")`, command.path);
    }
    args[spec.name] = value;
  });

  const flags: Flags = {
    string: (name) => {
      const v = values[name];
      return typeof v === 'string' ? v : undefined;
    },
    bool: (name) => values[name] === true,
    list: (name) => {
      const v = values[name];
      return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
    },
  };
  return { kind: 'run', command, args, flags, json: values.json === true };
}
