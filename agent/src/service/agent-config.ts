/** What `service install` writes to the agent's config file; `run` loads it (and may accept more keys). */
export interface InstallConfig {
  server: string;
  enrollSecret: string;
}

export class InstallInputError extends Error {
  override name = 'InstallInputError';
}

/** Checks the two values before anything touches the disk, so a typo installs nothing. */
export function validateInstallConfig(input: { server?: string; enrollSecret?: string }): InstallConfig {
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
  return { server, enrollSecret };
}

/** Exactly the two keys, so the file says nothing the installer was not told. */
export function renderAgentConfig(config: InstallConfig): string {
  return `${JSON.stringify({ server: config.server, enrollSecret: config.enrollSecret }, null, 2)}\n`;
}
