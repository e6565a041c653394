import { describe, expect, it } from 'vitest';
import { CommandError, runCommand } from './run-command.ts';

describe('runCommand', () => {
  it('returns stdout of a command that succeeds', async () => {
    const result = await runCommand(process.execPath, ['-e', 'process.stdout.write("héllo")']);
    expect(result).toMatchObject({ stdout: 'héllo', exitCode: 0 });
  });

  it('kills a command that outlives its timeout', async () => {
    const started = Date.now();
    const error = await runCommand(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { timeoutMs: 200 }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(CommandError);
    expect(error.reason).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('reports a missing command as not found', async () => {
    const error = await runCommand('stocktake-no-such-tool', []).catch((e) => e);
    expect(error).toMatchObject({ reason: 'not-found', message: 'stocktake-no-such-tool not found' });
  });

  it('reports a failing exit with the first stderr line', async () => {
    const error = await runCommand(process.execPath, ['-e', 'console.error("boom\\nmore"); process.exit(3)']).catch(
      (e) => e,
    );
    expect(error.reason).toBe('exit');
    expect(error.message).toMatch(/exited 3: boom$/);
  });

  it('accepts exit codes the caller declares as success', async () => {
    const result = await runCommand(process.execPath, ['-e', 'process.exit(100)'], { okExitCodes: [0, 100] });
    expect(result.exitCode).toBe(100);
  });

  it('stops a command that prints more than allowed', async () => {
    const error = await runCommand(process.execPath, ['-e', 'process.stdout.write("x".repeat(1e6))'], {
      maxOutputBytes: 1000,
    }).catch((e) => e);
    expect(error.reason).toBe('output-limit');
  });
});
