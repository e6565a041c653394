import type { InstallManifest, Step } from '@stocktake/shared/service';
import type { CollectorLayout } from './layout.ts';
import { renderCollectorUnit, renderConfigFile } from './unit.ts';

export interface CollectorInstall {
  /** Node and the collector's entry point, absolute: what the unit runs. */
  execStart: readonly string[];
  /** Settings written to the config file, by key (db is always the state directory's). */
  settings: Readonly<Record<string, string | number>>;
  /** PEM bytes of the certificate and key, when the collector serves HTTPS itself. */
  tls?: { cert: Uint8Array; key: Uint8Array };
}

const DIR = 0o755;
const SECRET = 0o600;
const PUBLIC_FILE = 0o644;

const systemctl = (...args: string[]): Step => ({ op: 'run', argv: ['systemctl', ...args] });

/**
 * Writes the config file, the TLS files and the unit, then enables and (re)starts the service.
 * Over an install that kept its settings elsewhere (`previous`: the environment file of earlier
 * versions), that file is removed: one place for the settings.
 */
export function collectorInstallPlan(
  layout: CollectorLayout,
  input: CollectorInstall,
  previous?: InstallManifest,
): Step[] {
  for (const word of input.execStart) {
    if (!word.startsWith('/')) throw new Error(`the unit must run absolute paths, got "${word}"`);
  }
  const settings = {
    db: layout.dbPath,
    ...input.settings,
    // Where root finds them (config check, admin commands); the unit points the service at its copies.
    ...(input.tls ? { tlsCert: layout.tlsCertPath, tlsKey: layout.tlsKeyPath } : {}),
  };
  const replaced = previous && previous.configPath !== layout.configPath ? previous.configPath : undefined;
  return [
    { op: 'mkdir', path: '/etc/stocktake', mode: DIR },
    { op: 'write', path: layout.configPath, content: renderConfigFile(settings), mode: SECRET },
    ...(replaced ? ([{ op: 'remove', path: replaced }] satisfies Step[]) : []),
    ...(input.tls
      ? ([
          { op: 'write', path: layout.tlsCertPath, content: input.tls.cert, mode: SECRET },
          { op: 'write', path: layout.tlsKeyPath, content: input.tls.key, mode: SECRET },
        ] satisfies Step[])
      : []),
    { op: 'mkdir', path: '/etc/systemd/system', mode: DIR },
    {
      op: 'write',
      path: layout.unitPath,
      content: renderCollectorUnit(layout, { execStart: input.execStart, tls: input.tls !== undefined }),
      mode: PUBLIC_FILE,
    },
    { op: 'save-manifest', path: layout.manifestPath, configPath: layout.configPath },
    systemctl('daemon-reload'),
    systemctl('enable', layout.unitName),
    // restart, not start: running install again applies new settings and a new version.
    systemctl('restart', layout.unitName),
  ];
}

/**
 * Stops and removes what install wrote, then the directories it created. The database in the
 * state directory is the collector's data, not something install made: it stays, and is named.
 */
export function collectorUninstallPlan(layout: CollectorLayout, manifest?: InstallManifest): Step[] {
  return [
    { op: 'run', argv: ['systemctl', 'disable', '--now', layout.unitName], allowFailure: true },
    { op: 'remove', path: layout.unitPath },
    { op: 'run', argv: ['systemctl', 'daemon-reload'], allowFailure: true },
    { op: 'remove', path: manifest?.configPath ?? layout.configPath },
    { op: 'remove', path: layout.tlsCertPath },
    { op: 'remove', path: layout.tlsKeyPath },
    { op: 'remove', path: layout.manifestPath },
    ...[...(manifest?.createdDirs ?? [])].reverse().map((path): Step => ({ op: 'rmdir-if-empty', path })),
    {
      op: 'note',
      text: `kept the database in ${layout.stateDir} (systemd keeps it under /var/lib/private/${layout.stateDir.replace(/^\/var\/lib\//, '')}); back it up or delete it yourself`,
    },
  ];
}

/** start, stop and status: systemctl. */
export function collectorControlPlan(layout: CollectorLayout, action: 'start' | 'stop' | 'status'): Step[] {
  if (action === 'status')
    return [{ op: 'run', argv: ['systemctl', 'status', '--no-pager', layout.unitName], show: true }];
  return [systemctl(action, layout.unitName)];
}
