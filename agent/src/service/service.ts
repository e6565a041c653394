import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { getAsset, isSea } from 'node:sea';
import {
  type ExecuteOptions,
  executePlan,
  hostPathFor,
  type InstallManifest,
  parseManifest,
  type ServicePlatform,
  type ServiceRunner,
} from '@stocktake/shared/service';
import type { InstallConfig } from './agent-config.ts';
import { type ServiceLayout, serviceLayout } from './layout.ts';
import { controlPlan, installPlan, uninstallPlan } from './plan.ts';
import { deferredDeleteCommandLine } from './winsw.ts';

/** Name of the WinSW executable inside the win-x64 single executable (see scripts/build-agent.ts). */
export const WINSW_ASSET = 'winsw.exe';

export interface ServiceRequest {
  action: 'install' | 'uninstall' | 'start' | 'stop' | 'status';
  platform: ServicePlatform;
  env: NodeJS.ProcessEnv;
  /** install only. */
  config?: InstallConfig;
  configPath?: string;
  /** uninstall only. */
  keepState?: boolean;
  root?: string;
  run: ServiceRunner;
  selfPath: string;
  agentVersion: string;
  out: (line: string) => void;
  /** WinSW bytes; defaults to the asset embedded in the Windows build. */
  wrapper?: Uint8Array;
  deferDelete?: ExecuteOptions['deferDelete'];
}

export { runServiceCommand, stagingRunner } from '@stocktake/shared/service';

/** Windows: a detached cmd.exe deletes the running executable once this process has exited. */
export function windowsDeferDelete(files: string[], dirs: string[]): void {
  const child = spawn('cmd.exe', ['/d', '/s', '/c', `"${deferredDeleteCommandLine(files, dirs)}"`], {
    detached: true,
    stdio: 'ignore',
    windowsHide: true,
    windowsVerbatimArguments: true,
  });
  child.unref();
}

/** The WinSW executable carried by the Windows build, or undefined elsewhere. */
export function embeddedWrapper(): Uint8Array | undefined {
  if (!isSea()) return undefined;
  try {
    return new Uint8Array(getAsset(WINSW_ASSET));
  } catch {
    return undefined;
  }
}

async function readManifest(layout: ServiceLayout, root: string | undefined): Promise<InstallManifest | undefined> {
  const path = hostPathFor(layout.platform, root, layout.manifestPath);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const manifest = parseManifest(text, layout.manifestPath, 'agentVersion');
  if (manifest.platform !== layout.platform) {
    throw new Error(`install manifest ${layout.manifestPath} was written for ${manifest.platform}`);
  }
  return manifest;
}

/** Builds the plan for one action and applies it. Returns the process exit code to use. */
export async function runServiceAction(request: ServiceRequest): Promise<number> {
  const layout = serviceLayout(request.platform, request.env);
  const execute = (steps: Parameters<typeof executePlan>[0], previous?: InstallManifest) =>
    executePlan(steps, {
      platform: request.platform,
      run: request.run,
      selfPath: request.selfPath,
      stamp: { key: 'agentVersion', value: request.agentVersion },
      out: request.out,
      ...(request.root !== undefined ? { root: request.root } : {}),
      ...(previous ? { previous } : {}),
      ...(request.deferDelete ? { deferDelete: request.deferDelete } : {}),
    });

  switch (request.action) {
    case 'install': {
      if (!request.config) throw new Error('install needs the server URL and enroll secret');
      const previous = await readManifest(layout, request.root);
      const wrapper = request.platform === 'win32' ? (request.wrapper ?? embeddedWrapper()) : undefined;
      if (request.platform === 'win32' && !wrapper) {
        throw new Error(
          'this executable does not carry the Windows service wrapper: install with stocktake-agent-win-x64.exe from `pnpm build:agent`',
        );
      }
      const steps = installPlan({
        layout,
        config: request.config,
        ...(request.configPath ? { configPath: request.configPath } : {}),
        ...(previous ? { previous } : {}),
        ...(wrapper ? { wrapper } : {}),
      });
      await execute(steps, previous);
      request.out(`stocktake-agent is installed and started; config: ${request.configPath ?? layout.configPath}`);
      return 0;
    }
    case 'uninstall': {
      const manifest = await readManifest(layout, request.root);
      if (!manifest) request.out(`no install manifest at ${layout.manifestPath}: removing the agent's files by name`);
      await execute(
        uninstallPlan({ layout, ...(manifest ? { manifest } : {}), ...(request.keepState ? { keepState: true } : {}) }),
      );
      request.out('stocktake-agent is uninstalled');
      return 0;
    }
    default:
      return execute(controlPlan(layout, request.action));
  }
}
