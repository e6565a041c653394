import { describe, expect, it } from 'vitest';
import { parseCommandLine, unknownCommand, unknownSubcommand } from './parse-command-line.ts';
import { EX_USAGE, formatUsageError, UsageError, usageErrorLines } from './usage-error.ts';

const OPTIONS = {
  url: { type: 'string', short: 'u' },
  json: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  tag: { type: 'string', multiple: true },
} as const;

function refusal(args: string[]): UsageError {
  try {
    parseCommandLine(args, OPTIONS, { help: 'tool --help' });
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error(`parsed: ${args.join(' ')}`);
}

describe('parseCommandLine', () => {
  it('returns typed values and the positionals in order', () => {
    const { values, positionals } = parseCommandLine(
      ['assets', '--url', 'http://x', 'import', '--json', '-u', 'http://y', '--tag', 'a', '--tag=b', 'f.csv'],
      OPTIONS,
    );
    expect(positionals).toEqual(['assets', 'import', 'f.csv']);
    expect(values.url).toBe('http://y');
    expect(values.json).toBe(true);
    expect(values['dry-run']).toBeUndefined();
    expect(values.tag).toEqual(['a', 'b']);
  });

  it('takes everything after -- as positionals', () => {
    expect(parseCommandLine(['import', '--', '--odd.csv'], OPTIONS).positionals).toEqual(['import', '--odd.csv']);
  });

  it('refuses an unknown option with exit 64, naming the one meant', () => {
    const err = refusal(['--jsno']);
    expect(err.exitCode).toBe(EX_USAGE);
    expect(err.message).toBe('unknown option "--jsno" (did you mean --json?)');
    expect(err.hint).toEqual({ help: 'tool --help' });
    expect(refusal(['--dryrun']).message).toBe('unknown option "--dryrun" (did you mean --dry-run?)');
    expect(refusal(['--frobnicate']).message).toBe('unknown option "--frobnicate"');
    expect(refusal(['-x']).message).toBe('unknown option "-x"');
  });

  it('refuses a missing value and a value given to a switch', () => {
    expect(refusal(['--url']).message).toBe('--url needs a value');
    expect(refusal(['-u']).message).toBe('--url needs a value');
    expect(refusal(['--json=yes']).message).toBe('--json takes no value');
  });
});

describe('unknownCommand', () => {
  it('says which command was meant when one is close', () => {
    expect(unknownCommand('invntory', ['inventory', 'once', 'run']).message).toBe(
      'unknown command "invntory" (did you mean inventory?)',
    );
    expect(unknownCommand('fly', ['inventory', 'once', 'run']).message).toBe('unknown command "fly"');
    expect(unknownCommand('fly', ['run'], { help: 'x --help' }).hint.help).toBe('x --help');
  });
});

describe('unknownSubcommand', () => {
  it('names the subcommand meant, else lists those there are', () => {
    expect(unknownSubcommand('devices', 'lst', ['list', 'show']).message).toBe(
      'unknown command "devices lst" (did you mean devices list?)',
    );
    expect(unknownSubcommand('devices', 'shred', ['list', 'show']).message).toBe(
      'unknown command "devices shred" (devices has list, show)',
    );
  });
});

describe('formatUsageError', () => {
  it('is the message after the program, then the usage line and where help is, when known', () => {
    expect(formatUsageError('tool', 'unknown command "x"', { usage: 'tool <command>', help: 'tool --help' })).toBe(
      'tool: unknown command "x"\nUsage: tool <command>\nSee: tool --help\n',
    );
    expect(formatUsageError('tool', 'run takes no arguments')).toBe('tool: run takes no arguments\n');
    expect(usageErrorLines('unknown command "x"', { help: 'tool --help' })).toBe(
      'unknown command "x"\nSee: tool --help',
    );
  });
});
