import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SoftwareSourceSchema } from '@stocktake/shared';
import { describe, expect, it } from 'vitest';
import * as choices from './choices.ts';
import { COMMANDS } from './commands/index.ts';
import { completionScript } from './completion.ts';

const has = (shell: string) => {
  try {
    execFileSync(shell, ['-c', 'exit 0'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

const dir = mkdtempSync(join(tmpdir(), 'stocktake-completion-'));
function script(shell: 'bash' | 'zsh' | 'fish'): string {
  const path = join(dir, `stocktake.${shell}`);
  writeFileSync(path, completionScript(shell, COMMANDS));
  return path;
}

describe('choices the command line offers', () => {
  it('list every software source of the wire contract', () => {
    expect(choices.SOFTWARE_SOURCES).toEqual(SoftwareSourceSchema.anyOf.map((s) => s.const));
  });
});

describe('bash completion', () => {
  const path = script('bash');
  /** What bash offers after the words (the last one is being typed). */
  const complete = (...words: string[]) =>
    execFileSync(
      'bash',
      [
        '-c',
        `source ${JSON.stringify(path)}; COMP_WORDS=("$@"); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _stocktake; printf '%s\\n' "\${COMPREPLY[@]}"`,
        'bash',
        'stocktake',
        ...words,
      ],
      { encoding: 'utf8' },
    )
      .split('\n')
      .filter(Boolean);

  it('offers commands, subcommands, flags and flag values from the table', () => {
    expect(complete('')).toEqual([
      'devices',
      'software',
      'assets',
      'licenses',
      'findings',
      'reconcile',
      'report',
      'tokens',
      'agents',
      'login',
      'completion',
    ]);
    expect(complete('devices', '')).toEqual(['list', 'show', 'refresh', 'adopt', 'merge', 'delete']);
    expect(complete('--url', 'http://x', 'findings', 'sn')).toEqual(['snooze']);
    expect(complete('findings', 'list', '--type', 'un')).toEqual(['unregistered_device', 'unpatched_device']);
    expect(complete('assets', 'list', '--status', 'd')).toEqual(['deployed', 'disposed']);
    expect(complete('devices', 'list', '--al')).toEqual(['--all']);
    expect(complete('software', 'who-has', 'openssl', '--version-l')).toEqual(['--version-lt', '--version-lte']);
    expect(complete('completion', '')).toEqual(['bash', 'zsh', 'fish']);
    expect(complete('assets', 'import', join(dir, 'stocktake.ba'))).toEqual([join(dir, 'stocktake.bash')]);
  });
});

describe.skipIf(!has('zsh'))('zsh completion', () => {
  const path = script('zsh');
  // zsh's completion builtins only work inside a completion widget; stand-ins print what they are given.
  const complete = (...words: string[]) =>
    execFileSync(
      'zsh',
      [
        '-c',
        `compdef() { :; }
_describe() { local -a a; a=("\${(@P)\${@[-1]}}"); print -rl -- "\${a[@]%%:*}"; }
compadd() { shift; print -rl -- "$@"; }
_files() { print files; }
_message() { print "message $*"; }
source ${JSON.stringify(path)}
words=(stocktake "$@"); CURRENT=\${#words}; _stocktake`,
        'zsh',
        ...words,
      ],
      { encoding: 'utf8' },
    )
      .split('\n')
      .filter(Boolean);

  it('offers the same words as bash', () => {
    expect(complete('')).toEqual([
      'devices',
      'software',
      'assets',
      'licenses',
      'findings',
      'reconcile',
      'tokens',
      'login',
      'completion',
    ]);
    expect(complete('devices', '')).toEqual(['list', 'show', 'refresh', 'adopt', 'merge', 'delete']);
    expect(complete('findings', 'list', '--severity', '')).toEqual(['info', 'low', 'medium', 'high', 'critical']);
    expect(complete('licenses', 'import', '')).toEqual(['files']);
    expect(complete('--url', 'http://x', 'reconcile', '--')).toContain('--json');
  });
});

describe.skipIf(!has('fish'))('fish completion', () => {
  const path = script('fish');
  const complete = (line: string) =>
    execFileSync('fish', ['-c', `source ${JSON.stringify(path)}; complete -C ${JSON.stringify(line)}`], {
      encoding: 'utf8',
    })
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t')[0]);

  it('offers the same words as bash', () => {
    expect(complete('stocktake dev')).toEqual(['devices']);
    expect(complete('stocktake devices ').sort()).toEqual(['adopt', 'delete', 'list', 'merge', 'refresh', 'show']);
    expect(complete('stocktake findings list --type un').sort()).toEqual(['unpatched_device', 'unregistered_device']);
    expect(complete('stocktake --url http://x tokens create --role ').sort()).toEqual(['admin', 'reader']);
  });
});
