import type { ResolvedConfig, SettingOrigin } from '../config.ts';
import { fileKey, SETTINGS, type Setting } from '../config-settings.ts';
import type { Io } from './register-commands.ts';

/** A secret shown by its length only; a URL that may carry one by its scheme and host. */
function shown(setting: Setting, value: string): string {
  if (setting.secret === 'value') return `(secret, ${value.length} characters)`;
  if (setting.secret === 'password') {
    try {
      const url = new URL(value);
      if (!url.password) return value;
      url.password = '***';
      return url.href;
    } catch {
      return value;
    }
  }
  if (setting.secret === 'url') {
    try {
      return `${new URL(value).origin}/… (path and query hidden)`;
    } catch {
      return '(hidden)';
    }
  }
  return value;
}

function originText(origin: SettingOrigin | undefined): string {
  if (!origin) return 'not set';
  switch (origin.from) {
    case 'flag':
      return `flag ${origin.label}`;
    case 'env':
      return `environment ${origin.label}`;
    case 'file':
      return `file ${origin.label}`;
    case 'default':
      return origin.label;
  }
}

/**
 * `stocktake-collector config check`: the configuration was read and checked (the caller got
 * this far); print every setting's effective value, secrets hidden, and where it came from.
 */
export function runConfigCheck(resolved: ResolvedConfig, io: Io): number {
  const { file, values } = resolved;
  io.out(`config file: ${file ? file.path : 'none (flags, environment and defaults only)'}\n`);
  const width = Math.max(...SETTINGS.map((s) => fileKey(s.flag).length)) + 2;
  for (const setting of SETTINGS) {
    const value = values.get(setting.flag);
    const text = value === undefined ? '-' : shown(setting, value);
    io.out(`${fileKey(setting.flag).padEnd(width)}${text}  (${originText(resolved.origins.get(setting.flag))})\n`);
  }
  io.out('the configuration is valid\n');
  return 0;
}
