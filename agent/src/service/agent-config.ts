import { resolve } from 'node:path';
import { type Given, NetworkSettingError, proxyFor, readCaBundle } from '../network/settings.ts';

/** What `service install` writes to the agent's config file; `run` loads it (and may accept more keys). */
export interface InstallConfig {
  server: string;
  enrollSecret: string;
  /** Absolute path of the CA bundle the service trusts besides the default store. */
  caFile?: string;
  proxy?: string;
  noProxy?: string;
}

export class InstallInputError extends Error {
  override name = 'InstallInputError';
}

export interface InstallInput {
  server?: string;
  enrollSecret?: string;
  caFile?: string;
  proxy?: string;
  noProxy?: string;
}

/** Directories a systemd service with PrivateTmp=yes sees empty: a bundle there would vanish. */
const PRIVATE_TMP = /^\/(var\/)?tmp(\/|$)/;

/**
 * Checks the values before anything touches the disk, so a typo installs nothing. The proxy
 * settings default to the installer's own environment: a service does not inherit the shell's
 * variables, so what the installing shell uses to reach the collector is written down for it.
 */
export function validateInstallConfig(
  input: InstallInput,
  env: NodeJS.ProcessEnv = {},
  options: { privateTmp?: boolean } = {},
): InstallConfig {
  const server = input.server?.trim();
  if (!server) throw new InstallInputError('service install needs --server URL (or STOCKTAKE_SERVER)');
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new InstallInputError(`--server must be a URL such as https://stocktake.example.org, got "${server}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InstallInputError(`--server must be an http:// or https:// URL, got "${server}"`);
  }
  const enrollSecret = input.enrollSecret;
  if (!enrollSecret || enrollSecret.trim() === '') {
    throw new InstallInputError('service install needs --enroll-secret S (or STOCKTAKE_ENROLL_SECRET)');
  }
  if (/[\r\n]/.test(enrollSecret)) throw new InstallInputError('--enroll-secret must be one line');
  return { server, enrollSecret, ...networkInput(url, input, env, options.privateTmp ?? false) };
}

function networkInput(
  server: URL,
  input: InstallInput,
  env: NodeJS.ProcessEnv,
  privateTmp: boolean,
): Pick<InstallConfig, 'caFile' | 'proxy' | 'noProxy'> {
  const out: Pick<InstallConfig, 'caFile' | 'proxy' | 'noProxy'> = {};
  try {
    if (input.caFile !== undefined) {
      const path = resolve(input.caFile);
      if (privateTmp && PRIVATE_TMP.test(path)) {
        throw new InstallInputError(
          `--ca-file: ${path} is in a temporary directory, which the service cannot see (PrivateTmp=yes): put the bundle in /etc/stocktake or /usr/local/share/ca-certificates`,
        );
      }
      readCaBundle({ value: path, origin: '--ca-file' });
      out.caFile = path;
    }
    const own = (value: string | undefined, origin: string): Given | undefined =>
      value === undefined ? undefined : { value, origin };
    const proxyGiven = own(input.proxy, '--proxy');
    const noProxyGiven = own(input.noProxy, '--no-proxy');
    // The proxy as the installing shell would use it for this server, before NO_PROXY applies:
    // the service keeps both, so it decides as the shell does.
    const proxy = proxyFor(
      server,
      { ...(proxyGiven ? { proxy: proxyGiven } : {}), noProxy: { value: '', origin: '' } },
      env,
    );
    if (proxy) out.proxy = proxy.url;
    const noProxy = noProxyGiven?.value ?? nonEmpty(env.no_proxy) ?? nonEmpty(env.NO_PROXY);
    if (noProxy !== undefined && noProxy.trim() !== '') out.noProxy = noProxy.trim();
    if (/[\r\n]/.test(out.noProxy ?? '')) throw new InstallInputError('--no-proxy must be one line');
  } catch (err) {
    if (err instanceof NetworkSettingError) throw new InstallInputError(err.message);
    throw err;
  }
  return out;
}

const nonEmpty = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value);

/** The keys the installer was told, and no other: the file says nothing it was not given. */
export function renderAgentConfig(config: InstallConfig): string {
  const { server, enrollSecret, caFile, proxy, noProxy } = config;
  const network = {
    ...(caFile !== undefined ? { caFile } : {}),
    ...(proxy !== undefined ? { proxy } : {}),
    ...(noProxy !== undefined ? { noProxy } : {}),
  };
  return `${JSON.stringify({ server, enrollSecret, ...network }, null, 2)}\n`;
}
