import { chmod, copyFile, mkdir, realpath, rename, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type InstallManifest, type ManifestStamp, renderManifest } from './manifest.ts';
import { pathsFor, type ServicePlatform } from './platform.ts';
import type { Step } from './steps.ts';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The runner only printed the command (staging with --root). */
  notRun?: boolean;
}

/** Runs one program without a shell and never throws: a missing program is exit code 127. */
export type ServiceRunner = (argv: readonly string[]) => Promise<CommandResult>;

export interface ExecuteOptions {
  /** The OS the plan is for. */
  platform: ServicePlatform;
  /** Stage every file under this directory instead of the real filesystem root. */
  root?: string;
  run: ServiceRunner;
  /** The executable `install-self` copies (the running single executable); only plans with that step need it. */
  selfPath?: string;
  /** Which program installs, and its version: recorded in the manifest. */
  stamp: ManifestStamp;
  /** The manifest of an earlier install, whose created directories stay on the list. */
  previous?: InstallManifest;
  /** One line per thing done, for the person or deployment tool running the command. */
  out: (line: string) => void;
  /** Windows: deletes files after this process exits (a running .exe cannot be deleted). */
  deferDelete?: (files: string[], dirs: string[]) => void;
}

export class ServiceStepError extends Error {
  override name = 'ServiceStepError';
}

const PERMISSION_CODES = new Set(['EACCES', 'EPERM']);

function errnoCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

/** Maps a path on the target OS to the file the host touches (under the staging root if any). */
export function hostPathFor(platform: ServicePlatform, root: string | undefined, target: string): string {
  if (root === undefined) return target;
  if (platform !== 'win32') return join(root, target);
  const match = /^([A-Za-z]):\\(.*)$/.exec(target);
  if (!match?.[1]) throw new Error(`not an absolute Windows path: ${target}`);
  return join(root, match[1].toUpperCase(), ...(match[2] ?? '').split('\\').filter(Boolean));
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false;
    throw err;
  }
}

/**
 * Applies a plan step by step and stops at the first failure that matters (an allowFailure
 * command only warns). Returns the exit code of a `show` step, else 0.
 */
export async function executePlan(steps: readonly Step[], options: ExecuteOptions): Promise<number> {
  const paths = pathsFor(options.platform);
  const host = (target: string) => hostPathFor(options.platform, options.root, target);
  const posixModes = options.platform !== 'win32' || options.root !== undefined;
  const created: string[] = [...(options.previous?.createdDirs ?? [])];
  const deferredFiles: string[] = [];
  let code = 0;

  const setMode = async (path: string, mode: number) => {
    if (posixModes && process.platform !== 'win32') await chmod(path, mode);
  };
  const atomicWrite = async (target: string, mode: number, fill: (tmp: string) => Promise<void>) => {
    const tmp = `${host(target)}.stocktake-tmp-${process.pid}`;
    try {
      await fill(tmp);
      await setMode(tmp, mode);
      await rename(tmp, host(target));
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  };
  const samePath = (a: string, b: string) =>
    options.platform === 'win32' ? a.toLowerCase() === b.toLowerCase() : a === b;

  for (const step of steps) {
    try {
      switch (step.op) {
        case 'mkdir': {
          // Walk up to the first existing directory; the filesystem root itself is never ours.
          const missing: string[] = [];
          for (
            let dir = step.path;
            paths.dirname(dir) !== dir && !(await exists(host(dir)));
            dir = paths.dirname(dir)
          ) {
            missing.unshift(dir);
          }
          const fsRoot = paths.parse(step.path).root;
          if (missing.length > 0 && !(await exists(host(fsRoot)))) await mkdir(host(fsRoot), { recursive: true });
          for (const dir of missing) {
            const mode = dir === step.path ? step.mode : 0o755;
            await mkdir(host(dir), { mode });
            await setMode(host(dir), mode);
            if (!created.some((c) => samePath(c, dir))) created.push(dir);
            options.out(`created ${dir}`);
          }
          break;
        }
        case 'write':
          await atomicWrite(step.path, step.mode, (tmp) => writeFile(tmp, step.content, { mode: step.mode }));
          options.out(`wrote ${step.path}${posixModes ? ` (mode ${step.mode.toString(8).padStart(4, '0')})` : ''}`);
          break;
        case 'install-self': {
          if (options.selfPath === undefined) throw new Error('no executable to install: selfPath is missing');
          const source = await realpath(options.selfPath);
          const destination = await realpath(host(step.path)).catch(() => undefined);
          if (destination !== undefined && samePath(source, destination)) {
            options.out(`${step.path} is the running executable: left in place`);
            break;
          }
          await atomicWrite(step.path, step.mode, (tmp) => copyFile(source, tmp));
          options.out(`installed ${step.path}`);
          break;
        }
        case 'save-manifest': {
          const stamp: Record<ManifestStamp['key'], string> = { [options.stamp.key]: options.stamp.value };
          const manifest: InstallManifest = {
            version: 1,
            platform: options.platform,
            ...stamp,
            configPath: step.configPath,
            createdDirs: created,
          };
          await atomicWrite(step.path, 0o644, (tmp) => writeFile(tmp, renderManifest(manifest)));
          options.out(`wrote ${step.path}`);
          break;
        }
        case 'run': {
          const label = step.argv.join(' ');
          const result = await options.run(step.argv);
          if (step.show) {
            if (result.stdout) options.out(result.stdout.replace(/\n$/, ''));
            if (result.stderr) options.out(result.stderr.replace(/\n$/, ''));
            code = result.code;
            break;
          }
          if (result.notRun) {
            options.out(`not run (--root): ${label}`);
            break;
          }
          if (result.code === 0) {
            options.out(`ran ${label}`);
            break;
          }
          const why = `${label} exited ${result.code}${result.stderr.trim() ? `: ${result.stderr.trim().split('\n')[0]}` : ''}`;
          if (!step.allowFailure) throw new ServiceStepError(why);
          options.out(`note: ${why} (carrying on)`);
          break;
        }
        case 'remove':
          try {
            await unlink(host(step.path));
            options.out(`removed ${step.path}`);
          } catch (err) {
            if (errnoCode(err) === 'ENOENT') break;
            const running =
              options.root === undefined && options.selfPath !== undefined && samePath(step.path, options.selfPath);
            if (options.platform === 'win32' && running && options.deferDelete) {
              deferredFiles.push(step.path);
              options.out(`${step.path} is running: it is deleted when this command exits`);
              break;
            }
            throw err;
          }
          break;
        case 'remove-tree':
          if (await exists(host(step.path))) {
            await rm(host(step.path), { recursive: true, force: true });
            options.out(`removed ${step.path}`);
          }
          break;
        case 'rmdir-if-empty':
          try {
            await rmdir(host(step.path));
            options.out(`removed ${step.path}`);
          } catch (err) {
            const errCode = errnoCode(err);
            if (errCode === 'ENOENT') break;
            if (errCode !== 'ENOTEMPTY' && errCode !== 'EEXIST') throw err;
            if (!deferredFiles.some((f) => samePath(paths.dirname(f), step.path))) {
              options.out(`kept ${step.path}: something else now lives in it`);
            }
          }
          break;
        case 'note':
          options.out(step.text);
          break;
      }
    } catch (err) {
      if (err instanceof ServiceStepError) throw err;
      const errCode = errnoCode(err);
      const hint = errCode && PERMISSION_CODES.has(errCode) ? ' (run as root / from an elevated prompt)' : '';
      throw new ServiceStepError(`${describe(step)}: ${(err as Error).message}${hint}`, { cause: err });
    }
  }

  if (deferredFiles.length > 0 && options.deferDelete) {
    const dirs = [...created]
      .reverse()
      .filter((dir) => deferredFiles.some((file) => samePath(paths.dirname(file), dir)));
    options.deferDelete(deferredFiles, dirs);
  }
  return code;
}

function describe(step: Step): string {
  switch (step.op) {
    case 'run':
      return step.argv.join(' ');
    case 'note':
      return 'note';
    case 'save-manifest':
      return `writing ${step.path}`;
    default:
      return `${step.op} ${step.path}`;
  }
}
