import { execFile } from 'node:child_process';
import type { ServiceRunner } from './execute.ts';

/** The real runner: no shell, output captured, never throws. */
export const runServiceCommand: ServiceRunner = (argv) =>
  new Promise((resolve) => {
    const [cmd, ...args] = argv;
    if (!cmd) {
      resolve({ code: 127, stdout: '', stderr: 'empty command' });
      return;
    }
    execFile(
      cmd,
      args,
      { windowsHide: true, maxBuffer: 16 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) => {
        if (!error) return resolve({ code: 0, stdout, stderr });
        const errno = (error as NodeJS.ErrnoException).code;
        if (errno === 'ENOENT') return resolve({ code: 127, stdout, stderr: `${cmd} not found` });
        resolve({ code: typeof error.code === 'number' ? error.code : 1, stdout, stderr: stderr || error.message });
      },
    );
  });

/** With --root nothing on the real system may change: commands are printed, not run. */
export const stagingRunner: ServiceRunner = async () => ({ code: 0, stdout: '', stderr: '', notRun: true });
