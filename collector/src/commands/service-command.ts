import { readFile, realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  executePlan,
  hostPathFor,
  type InstallManifest,
  parseManifest,
  runServiceCommand,
  type ServiceRunner,
  ServiceStepError,
  stagingRunner,
} from '@stocktake/shared/service';
import type { CollectorConfig } from '../config.ts';
import { type CollectorLayout, collectorLayout } from '../service/layout.ts';
import { collectorControlPlan, collectorInstallPlan, collectorUninstallPlan } from '../service/plan.ts';
import { COLLECTOR_VERSION } from '../version.ts';
import type { Io } from './register-commands.ts';

export const SERVICE_ACTIONS = ['install', 'uninstall', 'start', 'stop', 'status'] as const;
export type ServiceAction = (typeof SERVICE_ACTIONS)[number];

/** sysexits.h: not Linux, not root, a step failed. */
const EXIT = { ok: 0, usage: 64, software: 70, noPermission: 77 } as const;

export interface ServiceCommand {
  action: ServiceAction;
  config: CollectorConfig;
  /** Stage every file under this directory and print the commands instead of running them. */
  root?: string;
}

export interface ServiceDeps {
  /** Runs systemctl (the real one unless staging or testing). */
  run?: ServiceRunner;
  /** Node and the collector's entry point (default: this process's). */
  execStart?: string[];
  platform?: NodeJS.Platform;
  uid?: number;
}

const STAMP = { key: 'collectorVersion', value: COLLECTOR_VERSION } as const;

async function readManifest(layout: CollectorLayout, root: string | undefined): Promise<InstallManifest | undefined> {
  let text: string;
  try {
    text = await readFile(hostPathFor('linux', root, layout.manifestPath), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return parseManifest(text, layout.manifestPath, STAMP.key);
}

/** What the unit runs: this Node and this entry point, wherever the collector was unpacked. */
async function thisCollector(): Promise<string[]> {
  const entry = process.argv[1];
  if (!entry) throw new Error('cannot tell where the collector is installed (no entry point)');
  return [await realpath(process.execPath), await realpath(entry)];
}

/** The settings install writes, from the flags and environment given to it. */
async function installInput(config: CollectorConfig, deps: ServiceDeps) {
  const settings: Record<string, string | number> = { host: config.host, port: config.port };
  if (config.enrollSecret) settings.enrollSecret = config.enrollSecret;
  if (config.metricsToken) settings.metricsToken = config.metricsToken;
  const tls = config.tls
    ? {
        cert: new Uint8Array(await readFile(config.tls.certPath)),
        key: new Uint8Array(await readFile(config.tls.keyPath)),
      }
    : undefined;
  return { execStart: deps.execStart ?? (await thisCollector()), settings, ...(tls ? { tls } : {}) };
}

/**
 * `stocktake-collector service install|uninstall|start|stop|status [--root DIR]`: the
 * collector as a systemd service. install writes /etc/stocktake/collector.json (and the TLS
 * files, when --tls-cert and --tls-key are given) and the unit, and starts it; uninstall
 * removes exactly what install wrote and keeps the database.
 */
export async function runCollectorServiceCommand(
  command: ServiceCommand,
  io: Io,
  deps: ServiceDeps = {},
): Promise<number> {
  const { action } = command;
  const root = command.root === undefined ? undefined : resolve(command.root);
  if (root === undefined && (deps.platform ?? process.platform) !== 'linux') {
    io.err('stocktake-collector: service installs a systemd unit: Linux only (elsewhere, see the Dockerfile)\n');
    return EXIT.usage;
  }
  const uid = deps.uid ?? process.getuid?.();
  if (root === undefined && action !== 'status' && uid !== 0) {
    io.err(`stocktake-collector: service ${action} must run as root (sudo)\n`);
    return EXIT.noPermission;
  }
  const layout = collectorLayout();
  const run = deps.run ?? (root === undefined ? runServiceCommand : stagingRunner);
  const out = (line: string) => io.out(`${line}\n`);
  try {
    const previous = await readManifest(layout, root);
    const steps =
      action === 'install'
        ? collectorInstallPlan(layout, await installInput(command.config, deps), previous)
        : action === 'uninstall'
          ? collectorUninstallPlan(layout, previous)
          : collectorControlPlan(layout, action);
    if (action === 'uninstall' && !previous)
      out(`no install manifest at ${layout.manifestPath}: removing the files by name`);
    const code = await executePlan(steps, {
      platform: 'linux',
      run,
      stamp: STAMP,
      out,
      ...(root !== undefined ? { root } : {}),
      ...(action === 'install' && previous ? { previous } : {}),
    });
    const where = root === undefined ? '' : ` under ${root} (systemctl not run)`;
    if (action === 'install') {
      out(
        `stocktake-collector is installed${root === undefined ? ' and started' : where}; settings: ${layout.configPath}, database: ${layout.dbPath}`,
      );
    }
    if (action === 'uninstall') out(`stocktake-collector is uninstalled${where}`);
    return code;
  } catch (err) {
    const message =
      err instanceof ServiceStepError ? err.message : `service ${action} failed: ${(err as Error).message}`;
    io.err(`stocktake-collector: ${message}\n`);
    return EXIT.software;
  }
}
