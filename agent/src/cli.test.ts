import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { main } from './cli.ts';
import { runCommand } from './commands/run.ts';
import { serviceCommand } from './commands/service.ts';
import { statusCommand } from './commands/status.ts';

describe('stocktake-agent usage errors', () => {
  let stderr: MockInstance<typeof process.stderr.write>;
  let stdout: MockInstance<typeof process.stdout.write>;
  const written = (spy: MockInstance<typeof process.stderr.write>) => spy.mock.calls.map(([text]) => text).join('');

  beforeEach(() => {
    stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => vi.restoreAllMocks());

  const SEE = ['Usage: stocktake-agent <command> [options]', 'See: stocktake-agent --help', ''];

  it('exits 64 on an unknown command, naming the one meant', async () => {
    expect(await main(['invntory', '--pretty'], {})).toBe(64);
    expect(written(stderr)).toBe(
      ['stocktake-agent: unknown command "invntory" (did you mean inventory?)', ...SEE].join('\n'),
    );
    expect(written(stdout)).toBe('');
  });

  it('names a command mistyped after its flags too', async () => {
    expect(await main(['--server', 'http://x', 'onse'], {})).toBe(64);
    expect(written(stderr).split('\n')[0]).toBe('stocktake-agent: unknown command "onse" (did you mean once?)');
  });

  it('exits 64 on an unknown flag, naming the one meant', async () => {
    expect(await main(['inventory', '--prety'], {})).toBe(64);
    expect(written(stderr)).toBe(
      ['stocktake-agent: unknown option "--prety" (did you mean --pretty?)', ...SEE].join('\n'),
    );
  });

  it('exits 64 without a command, 0 with the help', async () => {
    expect(await main([], {})).toBe(64);
    expect(written(stderr)).toBe(['stocktake-agent: a command is needed', ...SEE].join('\n'));
    expect(await main(['--help'], {})).toBe(0);
    expect(written(stdout)).toMatch(/^Usage: stocktake-agent <command> \[options\]/);
  });
});

describe('the run, status and service commands', () => {
  function lines() {
    const seen: string[] = [];
    return { seen, push: (line: string) => seen.push(line) };
  }

  it('run exits 64 on an unknown flag, naming the one meant and its help', async () => {
    const err = lines();
    const code = await runCommand(['--shedule', '* * * * *'], {}, { err: err.push, out: () => {} });
    expect(code).toBe(64);
    expect(err.seen).toEqual([
      [
        'unknown option "--shedule" (did you mean --schedule?)',
        'Usage: stocktake-agent run [--config PATH] [options]',
        'See: stocktake-agent run --help',
      ].join('\n'),
    ]);
  });

  it('status exits 64 on an unknown flag, naming the one meant', async () => {
    const err = lines();
    expect(await statusCommand(['--jsno'], {}, () => {}, err.push)).toBe(64);
    expect(err.seen[0]?.split('\n')[0]).toBe('unknown option "--jsno" (did you mean --json?)');
  });

  it('service exits 64 on an unknown action or flag, naming the one meant', async () => {
    const err = lines();
    const deps = { err: err.push, out: () => {} };
    expect(await serviceCommand(['instal'], {}, deps)).toBe(64);
    expect(await serviceCommand(['uninstall', '--keep-sate'], {}, deps)).toBe(64);
    expect(await serviceCommand([], {}, deps)).toBe(64);
    expect(err.seen.map((text) => text.split('\n')[0])).toEqual([
      'unknown command "service instal" (did you mean service install?)',
      'unknown option "--keep-sate" (did you mean --keep-state?)',
      'service needs an action: install, uninstall, start, stop, status',
    ]);
    expect(err.seen[0]?.split('\n').slice(1)).toEqual([
      'Usage: stocktake-agent service <action> [options]',
      'See: stocktake-agent service --help',
    ]);
  });
});

describe('inventory of a machine mounted elsewhere', () => {
  const root = mkdtempSync(join(tmpdir(), 'stocktake-host-root-'));
  const state = mkdtempSync(join(tmpdir(), 'stocktake-host-state-'));
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(
    join(root, 'etc/os-release'),
    'PRETTY_NAME="Fixture OS 9"\nNAME="Fixture OS"\nVERSION_ID="9"\nID=fixture\n',
  );
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(state, { recursive: true, force: true });
  });

  async function osNameOf(argv: string[], env: NodeJS.ProcessEnv): Promise<unknown> {
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await main(['inventory', '--state-dir', state, ...argv], env)).toBe(0);
      const printed = stdout.mock.calls.map(([text]) => text).join('');
      return (JSON.parse(printed) as { sections: { os: { data?: { name?: string } } } }).sections.os.data?.name;
    } finally {
      stdout.mockRestore();
    }
  }

  it('reads the tree under --host-root, or STOCKTAKE_HOST_ROOT, as run does', async () => {
    expect(await osNameOf(['--host-root', root], {})).toBe('Fixture OS');
    expect(await osNameOf([], { STOCKTAKE_HOST_ROOT: root })).toBe('Fixture OS');
    // The flag wins over the environment, as in run's config.
    expect(await osNameOf(['--host-root', root], { STOCKTAKE_HOST_ROOT: '/nonexistent' })).toBe('Fixture OS');
  });
});
