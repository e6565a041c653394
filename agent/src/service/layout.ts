import { posix, win32 } from 'node:path';
import type { ServicePlatform } from '@stocktake/shared/service';

export { isServicePlatform, pathsFor, SERVICE_PLATFORMS, type ServicePlatform } from '@stocktake/shared/service';

interface CommonLayout {
  platform: ServicePlatform;
  /** Where `install` copies the running executable. */
  binaryPath: string;
  /** Default config file; `install --config` may choose another. */
  configPath: string;
  /** What `install` created and which config it wrote; `uninstall` reads it back. */
  manifestPath: string;
  /** Credentials and anything else the running agent keeps (holds a live token). */
  stateDir: string;
}

export interface LinuxLayout extends CommonLayout {
  platform: 'linux';
  unitName: string;
  unitPath: string;
}

export interface WindowsLayout extends CommonLayout {
  platform: 'win32';
  /** Service name the Service Control Manager knows (`sc.exe query stocktake-agent`). */
  serviceId: string;
  serviceDisplayName: string;
  installDir: string;
  /** %ProgramData%\Stocktake: config, state and logs, locked to SYSTEM and Administrators. */
  dataDir: string;
  logDir: string;
  /** WinSW renamed after the service; it finds its XML by its own base name. */
  wrapperPath: string;
  wrapperXmlPath: string;
  wrapperRuntimeConfigPath: string;
}

export interface DarwinLayout extends CommonLayout {
  platform: 'darwin';
  label: string;
  plistPath: string;
  logDir: string;
  logPath: string;
}

export type ServiceLayout = LinuxLayout | WindowsLayout | DarwinLayout;

export const SERVICE_NAME = 'stocktake-agent';

export function linuxLayout(): LinuxLayout {
  return {
    platform: 'linux',
    binaryPath: '/usr/local/bin/stocktake-agent',
    configPath: '/etc/stocktake/agent.json',
    manifestPath: '/etc/stocktake/agent.install.json',
    // Also what systemd's StateDirectory=stocktake-agent creates, and the agent's default as root.
    stateDir: '/var/lib/stocktake-agent',
    unitName: `${SERVICE_NAME}.service`,
    unitPath: `/etc/systemd/system/${SERVICE_NAME}.service`,
  };
}

export function windowsLayout(env: NodeJS.ProcessEnv = process.env): WindowsLayout {
  const installDir = win32.join(env.ProgramFiles ?? 'C:\\Program Files', 'Stocktake');
  const dataDir = win32.join(env.ProgramData ?? 'C:\\ProgramData', 'Stocktake');
  const wrapperBase = win32.join(installDir, `${SERVICE_NAME}-service`);
  return {
    platform: 'win32',
    serviceId: SERVICE_NAME,
    serviceDisplayName: 'Stocktake Agent',
    installDir,
    binaryPath: win32.join(installDir, `${SERVICE_NAME}.exe`),
    wrapperPath: `${wrapperBase}.exe`,
    wrapperXmlPath: `${wrapperBase}.xml`,
    wrapperRuntimeConfigPath: `${wrapperBase}.exe.config`,
    dataDir,
    configPath: win32.join(dataDir, 'agent.json'),
    manifestPath: win32.join(dataDir, 'agent.install.json'),
    // Same as the agent's defaultStateDir on Windows.
    stateDir: win32.join(dataDir, 'state'),
    logDir: win32.join(dataDir, 'logs'),
  };
}

export function darwinLayout(): DarwinLayout {
  const dataDir = '/Library/Application Support/Stocktake';
  const label = 'com.stocktake.agent';
  return {
    platform: 'darwin',
    label,
    binaryPath: '/usr/local/bin/stocktake-agent',
    configPath: posix.join(dataDir, 'agent.json'),
    manifestPath: posix.join(dataDir, 'agent.install.json'),
    // Same as the agent's defaultStateDir on macOS.
    stateDir: posix.join(dataDir, 'state'),
    plistPath: `/Library/LaunchDaemons/${label}.plist`,
    logDir: '/Library/Logs/Stocktake',
    logPath: '/Library/Logs/Stocktake/agent.log',
  };
}

export function serviceLayout(platform: ServicePlatform, env: NodeJS.ProcessEnv = process.env): ServiceLayout {
  if (platform === 'linux') return linuxLayout();
  if (platform === 'win32') return windowsLayout(env);
  return darwinLayout();
}
