import { type Given, NetworkSettingError, type NetworkSettings, resolveNetwork } from './settings.ts';

/**
 * `once`'s CA bundle and proxy, from its flags and the environment (it reads no config file):
 * the settings, or the one line saying what is wrong with them.
 */
export function onceNetwork(
  serverUrl: string,
  flags: { 'ca-file'?: string; proxy?: string; 'no-proxy'?: string },
  env: NodeJS.ProcessEnv,
): NetworkSettings | string {
  let server: URL;
  try {
    server = new URL(serverUrl);
  } catch {
    // The client names a bad server URL itself.
    return {};
  }
  const caEnv = env.STOCKTAKE_CA_FILE?.trim() ? env.STOCKTAKE_CA_FILE : undefined;
  const caFile: Given | undefined =
    flags['ca-file'] !== undefined
      ? { value: flags['ca-file'], origin: '--ca-file' }
      : caEnv !== undefined
        ? { value: caEnv, origin: 'STOCKTAKE_CA_FILE' }
        : undefined;
  try {
    return resolveNetwork(
      server,
      {
        ...(caFile ? { caFile } : {}),
        ...(flags.proxy !== undefined ? { proxy: { value: flags.proxy, origin: '--proxy' } } : {}),
        ...(flags['no-proxy'] !== undefined ? { noProxy: { value: flags['no-proxy'], origin: '--no-proxy' } } : {}),
      },
      env,
    );
  } catch (err) {
    if (err instanceof NetworkSettingError) return err.message;
    throw err;
  }
}
