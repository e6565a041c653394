import { describe, expect, it } from 'vitest';
import type { Io } from './command.ts';
import { COMMANDS } from './commands/index.ts';
import { UsageError } from './errors.ts';
import { helpFor } from './help.ts';
import { flagsOf, parse, positionalsOf } from './parse.ts';
import { runCli } from './run.ts';

function usageError(argv: string[]): UsageError {
  try {
    parse(argv, COMMANDS);
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error(`parsed without error: ${argv.join(' ')}`);
}

describe('the command table', () => {
  it('gives each flag name one kind, so flag values are never taken for arguments', () => {
    const kinds = new Map<string, string>();
    for (const command of COMMANDS) {
      for (const flag of flagsOf(command)) {
        const seen = kinds.get(flag.name);
        expect(seen === undefined || seen === flag.kind, `--${flag.name} is ${seen} and ${flag.kind}`).toBe(true);
        kinds.set(flag.name, flag.kind);
      }
    }
  });

  it('has help, a summary and an example for every command', () => {
    for (const command of COMMANDS) {
      expect(command.summary.length).toBeGreaterThan(10);
      expect(command.examples?.length, command.path.join(' ')).toBeGreaterThan(0);
      expect(helpFor(COMMANDS, command.path)).toContain(`Usage: stocktake ${command.path.join(' ')}`);
    }
  });
});

describe('parse', () => {
  it('finds the command among flags and their values, wherever they stand', () => {
    expect(positionalsOf(['--url', 'http://x', 'devices', '--limit', '5', 'list', '--all'], COMMANDS)).toEqual([
      'devices',
      'list',
    ]);
    const parsed = parse(['--url', 'http://x', 'devices', 'show', 'ws-1', '--history=3', '--json'], COMMANDS);
    expect(parsed.kind).toBe('run');
    if (parsed.kind !== 'run') return;
    expect(parsed.command.path).toEqual(['devices', 'show']);
    expect(parsed.args).toEqual({ DEVICE: 'ws-1' });
    expect(parsed.flags.string('history')).toBe('3');
    expect(parsed.flags.string('url')).toBe('http://x');
    expect(parsed.json).toBe(true);
  });

  it('takes a value starting with a dash for a flag that takes one', () => {
    const parsed = parse(['software', 'list', '--sort', '-installs', '--search', '-rc'], COMMANDS);
    expect(parsed.kind === 'run' && [parsed.flags.string('sort'), parsed.flags.string('search')]).toEqual([
      '-installs',
      '-rc',
    ]);
  });

  it('takes everything after -- as arguments', () => {
    const parsed = parse(['assets', 'import', '--', '--odd-name.csv'], COMMANDS);
    expect(parsed.kind === 'run' && parsed.args.FILE).toBe('--odd-name.csv');
  });

  it('answers help at every depth', () => {
    expect(parse(['--help'], COMMANDS)).toEqual({ kind: 'help', path: [] });
    expect(parse(['devices', '--help'], COMMANDS)).toEqual({ kind: 'help', path: ['devices'] });
    expect(parse(['devices', 'show', '-h'], COMMANDS)).toEqual({ kind: 'help', path: ['devices', 'show'] });
    expect(parse(['help', 'findings', 'snooze'], COMMANDS)).toEqual({ kind: 'help', path: ['findings', 'snooze'] });
    expect(parse(['--version'], COMMANDS)).toEqual({ kind: 'version' });
    expect(helpFor(COMMANDS, ['devices'])).toContain('devices show DEVICE');
    expect(helpFor(COMMANDS, ['nope'])).toBeUndefined();
  });

  it('refuses what it cannot run, saying why', () => {
    expect(usageError([]).message).toBe('a command is needed');
    expect(usageError(['devcies', 'list']).message).toBe('unknown command "devcies" (did you mean devices?)');
    expect(usageError(['devices']).message).toBe('devices needs a command: list, show, refresh, adopt, merge, delete');
    expect(usageError(['devices', 'lst']).message).toContain('unknown command "devices lst"');
    expect(usageError(['devices', 'show']).message).toBe('devices show needs DEVICE');
    expect(usageError(['devices', 'show', 'a', 'b']).message).toBe('unexpected argument "b"');
    expect(usageError(['devices', 'list', '--colour']).message).toBe('unknown option "--colour"');
    expect(usageError(['findings', 'list', '--severity', 'bogus']).message).toMatch(/--severity must be one of info/);
    // Finding types are an open set (one per rule): the collector refuses an unknown one, naming those it knows.
    expect(parse(['findings', 'list', '--type', 'new_rule'], COMMANDS)).toMatchObject({ kind: 'run' });
    expect(usageError(['completion', 'powershell']).message).toMatch(/SHELL must be one of bash, zsh, fish/);
    expect(usageError(['findings', 'ack', '1', '--comment']).message).toMatch(/--comment/);
    expect(usageError(['devices', 'list', '--url']).usageOf).toEqual(['devices', 'list']);
  });

  it('says which command or flag a typo meant', () => {
    expect(usageError(['devices', 'lst']).message).toBe('unknown command "devices lst" (did you mean devices list?)');
    expect(usageError(['devices', 'frobnicate']).message).toBe(
      'unknown command "devices frobnicate" (devices has list, show, refresh, adopt, merge, delete)',
    );
    expect(usageError(['licences', 'list']).message).toBe('unknown command "licences" (did you mean licenses?)');
    expect(usageError(['devices', 'list', '--serach', 'x']).message).toBe(
      'unknown option "--serach" (did you mean --search?)',
    );
    expect(usageError(['findings', 'list', '--jsn']).message).toBe('unknown option "--jsn" (did you mean --json?)');
  });

  it('keeps connection flags away from offline commands', () => {
    expect(usageError(['completion', 'bash', '--json']).message).toBe('unknown option "--json"');
  });
});

describe('a usage error', () => {
  async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const io: Io = {
      out: (text) => {
        out += text;
      },
      err: (text) => {
        err += text;
      },
      stdoutColumns: undefined,
      stderrIsTty: false,
      env: {},
    };
    const code = await runCli(argv, io, COMMANDS);
    return { code, out, err };
  }

  it('exits 64 on an unknown command, naming the one meant, then the usage and where help is', async () => {
    expect(await run(['devcies', 'list'])).toEqual({
      code: 64,
      out: '',
      err: [
        'stocktake: unknown command "devcies" (did you mean devices?)',
        'Usage: stocktake <command> [arguments] [options]',
        'See: stocktake --help',
        '',
      ].join('\n'),
    });
  });

  it('exits 64 on an unknown flag, naming the one meant, with the usage of the command', async () => {
    expect(await run(['devices', 'show', 'ws-1', '--histroy', '3'])).toEqual({
      code: 64,
      out: '',
      err: [
        'stocktake: unknown option "--histroy" (did you mean --history?)',
        'Usage: stocktake devices show DEVICE [options]',
        'See: stocktake devices show --help',
        '',
      ].join('\n'),
    });
  });
});
