/** Where `stocktake-collector service install` puts things on a systemd machine. */
export interface CollectorLayout {
  unitName: string;
  unitPath: string;
  /**
   * The config file (JSON): may hold secrets, so root's alone (mode 0600); systemd hands the
   * service a private copy. Admin commands run as root read it where it is.
   */
  configPath: string;
  /** The environment file earlier versions of install wrote instead: an upgrade removes it. */
  legacyEnvPath: string;
  /** TLS certificate and key, handed to the service as systemd credentials. */
  tlsCertPath: string;
  tlsKeyPath: string;
  /** What install created; uninstall reads it back. */
  manifestPath: string;
  /** The database and the enroll secret: systemd creates it for the service's user (StateDirectory=). */
  stateDir: string;
  dbPath: string;
  /** The service's own user, made by systemd while it runs (DynamicUser=). */
  user: string;
}

export const COLLECTOR_SERVICE = 'stocktake-collector';

export function collectorLayout(): CollectorLayout {
  return {
    unitName: `${COLLECTOR_SERVICE}.service`,
    unitPath: `/etc/systemd/system/${COLLECTOR_SERVICE}.service`,
    configPath: '/etc/stocktake/collector.json',
    legacyEnvPath: '/etc/stocktake/collector.env',
    tlsCertPath: '/etc/stocktake/collector.crt',
    tlsKeyPath: '/etc/stocktake/collector.key',
    manifestPath: '/etc/stocktake/collector.install.json',
    stateDir: '/var/lib/stocktake',
    dbPath: '/var/lib/stocktake/stocktake.db',
    user: 'stocktake',
  };
}
