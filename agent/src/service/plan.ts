import { type InstallManifest, pathsFor, type Step } from '@stocktake/shared/service';
import { type InstallConfig, renderAgentConfig } from './agent-config.ts';
import { launchdTarget, renderLaunchdPlist } from './launchd.ts';
import type { DarwinLayout, LinuxLayout, ServiceLayout, WindowsLayout } from './layout.ts';
import { renderSystemdUnit } from './systemd.ts';
import {
  renderWinswRuntimeConfig,
  renderWinswXml,
  restrictDirectoryCommand,
  restrictFileCommand,
  scQueryCommand,
  wrapperCommand,
} from './winsw.ts';

export type { Step } from '@stocktake/shared/service';

export type ServiceAction = 'install' | 'uninstall' | 'start' | 'stop' | 'status';

export interface InstallPlanInput {
  layout: ServiceLayout;
  config: InstallConfig;
  /** Where to write the config (default: the layout's). */
  configPath?: string;
  /** The manifest of an earlier install: this install is then an upgrade or reconfiguration. */
  previous?: InstallManifest;
  /** WinSW's executable (Windows only). */
  wrapper?: Uint8Array;
}

export interface UninstallPlanInput {
  layout: ServiceLayout;
  manifest?: InstallManifest;
  /** Keep credentials so a reinstall keeps the same agent identity. */
  keepState?: boolean;
}

const DIR = 0o755;
const PRIVATE_DIR = 0o700;
const SECRET = 0o600;
const PUBLIC_FILE = 0o644;
const EXECUTABLE = 0o755;

function configSteps(layout: ServiceLayout, configPath: string, config: InstallConfig): Step[] {
  const paths = pathsFor(layout.platform);
  return [
    { op: 'mkdir', path: paths.dirname(configPath), mode: DIR },
    { op: 'write', path: configPath, content: renderAgentConfig(config), mode: SECRET },
  ];
}

function linuxInstall(layout: LinuxLayout, input: InstallPlanInput, configPath: string): Step[] {
  const systemctl = (...args: string[]): Step => ({ op: 'run', argv: ['systemctl', ...args] });
  return [
    { op: 'mkdir', path: '/etc/stocktake', mode: DIR },
    ...configSteps(layout, configPath, input.config),
    { op: 'mkdir', path: '/usr/local/bin', mode: DIR },
    { op: 'install-self', path: layout.binaryPath, mode: EXECUTABLE },
    { op: 'mkdir', path: '/etc/systemd/system', mode: DIR },
    { op: 'write', path: layout.unitPath, content: renderSystemdUnit(layout, configPath), mode: PUBLIC_FILE },
    { op: 'save-manifest', path: layout.manifestPath, configPath },
    systemctl('daemon-reload'),
    systemctl('enable', layout.unitName),
    // restart, not start: an upgrade must pick up the new binary and config.
    systemctl('restart', layout.unitName),
  ];
}

function windowsInstall(layout: WindowsLayout, input: InstallPlanInput, configPath: string): Step[] {
  if (!input.wrapper) throw new Error('the Windows service wrapper (WinSW) is missing from this build');
  const upgrade = input.previous !== undefined;
  const configDir = pathsFor('win32').dirname(configPath);
  return [
    // An installed service holds its files open: stop it before replacing them.
    ...(upgrade ? [{ op: 'run', argv: wrapperCommand(layout, 'stop'), allowFailure: true } satisfies Step] : []),
    { op: 'mkdir', path: layout.installDir, mode: DIR },
    { op: 'install-self', path: layout.binaryPath, mode: EXECUTABLE },
    { op: 'write', path: layout.wrapperPath, content: input.wrapper, mode: EXECUTABLE },
    { op: 'write', path: layout.wrapperRuntimeConfigPath, content: renderWinswRuntimeConfig(), mode: PUBLIC_FILE },
    { op: 'write', path: layout.wrapperXmlPath, content: renderWinswXml(layout, configPath), mode: PUBLIC_FILE },
    // Lock the data directory before the secret is written into it.
    { op: 'mkdir', path: layout.dataDir, mode: PRIVATE_DIR },
    { op: 'run', argv: restrictDirectoryCommand(layout.dataDir) },
    ...(configDir.toLowerCase() === layout.dataDir.toLowerCase()
      ? []
      : [{ op: 'mkdir', path: configDir, mode: DIR } satisfies Step]),
    { op: 'write', path: configPath, content: renderAgentConfig(input.config), mode: SECRET },
    { op: 'run', argv: restrictFileCommand(configPath) },
    { op: 'mkdir', path: layout.logDir, mode: PRIVATE_DIR },
    { op: 'save-manifest', path: layout.manifestPath, configPath },
    ...(upgrade ? [] : [{ op: 'run', argv: wrapperCommand(layout, 'install') } satisfies Step]),
    { op: 'run', argv: wrapperCommand(layout, 'start') },
  ];
}

function darwinInstall(layout: DarwinLayout, input: InstallPlanInput, configPath: string): Step[] {
  const upgrade = input.previous !== undefined;
  return [
    // Unload the running daemon first so launchd rereads the plist and the new binary.
    ...(upgrade
      ? [{ op: 'run', argv: ['launchctl', 'bootout', launchdTarget(layout)], allowFailure: true } satisfies Step]
      : []),
    { op: 'mkdir', path: pathsFor('darwin').dirname(layout.configPath), mode: DIR },
    ...configSteps(layout, configPath, input.config),
    { op: 'mkdir', path: '/usr/local/bin', mode: DIR },
    { op: 'install-self', path: layout.binaryPath, mode: EXECUTABLE },
    // launchd does not create the directory of StandardErrorPath.
    { op: 'mkdir', path: layout.logDir, mode: DIR },
    { op: 'mkdir', path: '/Library/LaunchDaemons', mode: DIR },
    // launchd refuses daemon plists writable by anyone but root.
    { op: 'write', path: layout.plistPath, content: renderLaunchdPlist(layout, configPath), mode: PUBLIC_FILE },
    { op: 'save-manifest', path: layout.manifestPath, configPath },
    // RunAtLoad starts it now and at every boot.
    { op: 'run', argv: ['launchctl', 'bootstrap', 'system', layout.plistPath] },
  ];
}

export function installPlan(input: InstallPlanInput): Step[] {
  const { layout } = input;
  const configPath = input.configPath ?? layout.configPath;
  if (!pathsFor(layout.platform).isAbsolute(configPath)) {
    throw new Error(`--config must be an absolute path, got "${configPath}"`);
  }
  if (layout.platform === 'linux') return linuxInstall(layout, input, configPath);
  if (layout.platform === 'win32') return windowsInstall(layout, input, configPath);
  return darwinInstall(layout, input, configPath);
}

/** Removes the agent's files, then the directories install created (deepest first). */
function cleanupSteps(input: UninstallPlanInput, extraTrees: string[]): Step[] {
  const { layout, manifest } = input;
  const configPath = manifest?.configPath ?? layout.configPath;
  const state: Step[] = input.keepState
    ? [{ op: 'note', text: `kept ${layout.stateDir} (--keep-state): it holds this agent's credentials` }]
    : [{ op: 'remove-tree', path: layout.stateDir }];
  return [
    { op: 'remove', path: layout.binaryPath },
    { op: 'remove', path: configPath },
    ...state,
    ...extraTrees.map((path): Step => ({ op: 'remove-tree', path })),
    { op: 'remove', path: layout.manifestPath },
    ...[...(manifest?.createdDirs ?? [])].reverse().map((path): Step => ({ op: 'rmdir-if-empty', path })),
  ];
}

export function uninstallPlan(input: UninstallPlanInput): Step[] {
  const { layout } = input;
  if (layout.platform === 'linux') {
    return [
      { op: 'run', argv: ['systemctl', 'disable', '--now', layout.unitName], allowFailure: true },
      { op: 'remove', path: layout.unitPath },
      { op: 'run', argv: ['systemctl', 'daemon-reload'], allowFailure: true },
      ...cleanupSteps(input, []),
    ];
  }
  if (layout.platform === 'win32') {
    return [
      { op: 'run', argv: wrapperCommand(layout, 'stop'), allowFailure: true },
      { op: 'run', argv: wrapperCommand(layout, 'uninstall'), allowFailure: true },
      { op: 'remove', path: layout.wrapperXmlPath },
      { op: 'remove', path: layout.wrapperRuntimeConfigPath },
      { op: 'remove', path: layout.wrapperPath },
      ...cleanupSteps(input, [layout.logDir]),
    ];
  }
  return [
    { op: 'run', argv: ['launchctl', 'bootout', launchdTarget(layout)], allowFailure: true },
    { op: 'remove', path: layout.plistPath },
    ...cleanupSteps(input, [layout.logDir]),
  ];
}

/** start, stop and status: one or two commands of the OS's service manager. */
export function controlPlan(layout: ServiceLayout, action: 'start' | 'stop' | 'status'): Step[] {
  if (layout.platform === 'linux') {
    if (action === 'status') {
      return [{ op: 'run', argv: ['systemctl', 'status', '--no-pager', layout.unitName], show: true }];
    }
    return [{ op: 'run', argv: ['systemctl', action, layout.unitName] }];
  }
  if (layout.platform === 'win32') {
    if (action === 'status') return [{ op: 'run', argv: scQueryCommand(layout), show: true }];
    return [{ op: 'run', argv: wrapperCommand(layout, action) }];
  }
  const target = launchdTarget(layout);
  if (action === 'status') return [{ op: 'run', argv: ['launchctl', 'print', target], show: true }];
  // KeepAlive would respawn a killed daemon: stopping means unloading it, starting loading it.
  if (action === 'stop') return [{ op: 'run', argv: ['launchctl', 'bootout', target] }];
  return [
    // Fails harmlessly when it is already loaded; kickstart then makes sure it runs.
    { op: 'run', argv: ['launchctl', 'bootstrap', 'system', layout.plistPath], allowFailure: true },
    { op: 'run', argv: ['launchctl', 'kickstart', target] },
  ];
}
