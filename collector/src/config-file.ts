import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createValidator, type FieldError } from '@stocktake/shared';
import Type, { type TSchema } from 'typebox';
import { fileKey, SETTINGS, type SettingType } from './config-settings.ts';

/** Where the collector looks for its config file when neither --config nor STOCKTAKE_CONFIG names one. */
export const DEFAULT_CONFIG_PATH = '/etc/stocktake/collector.json';

/** A config file's values, by key; each is validated against its setting's type. */
export type ConfigFileValues = Readonly<Record<string, string | number | readonly string[]>>;

/** A config file that was read: where, and what it holds. */
export interface ConfigFile {
  path: string;
  values: ConfigFileValues;
}

/** A config file that cannot be used, in one line naming the file and what is wrong with it. */
export class ConfigFileError extends Error {
  override name = 'ConfigFileError';
}

function schemaFor(type: SettingType): TSchema {
  switch (type.kind) {
    case 'integer':
      return Type.Integer({ minimum: 0 });
    case 'string':
      return Type.String();
    case 'list':
      return Type.Array(Type.String());
    case 'one-of':
      return Type.Union(type.values.map((value) => Type.Literal(value)));
  }
}

/**
 * The config file's schema: one optional key per setting (the flag in camelCase), closed, so a
 * misspelt key stops the collector with its name instead of being ignored. Ranges and formats
 * (a port, an origin, a cron expression) are checked after the sources are merged, by the same
 * code whichever source the value came from.
 */
export const CollectorConfigFileSchema = Type.Object(
  Object.fromEntries(SETTINGS.map((s) => [fileKey(s.flag), Type.Optional(schemaFor(s.type))])),
  { additionalProperties: false },
);

const validateFile = createValidator<ConfigFileValues>(CollectorConfigFileSchema);

const typeNames: Record<SettingType['kind'], string> = {
  integer: 'a whole number',
  string: 'a string',
  list: 'an array of strings',
  'one-of': 'one of',
};

/** What the key at `pointer` (`/port`, `/corsOrigin/1`) should hold, in words. */
function expected(pointer: string): string | undefined {
  const [key, index] = pointer.replace(/^\//, '').split('/');
  const setting = SETTINGS.find((s) => fileKey(s.flag) === key);
  if (!setting) return undefined;
  if (index !== undefined) return 'a string';
  const { type } = setting;
  return type.kind === 'one-of' ? `one of ${type.values.join(', ')}` : typeNames[type.kind];
}

/** One problem as an operator reads it: the key, then what it should be, then what it is. */
function describeProblem(error: FieldError, document: unknown): string {
  const key = error.path.replace(/^\//, '').replace(/\//g, '.');
  if (key === '') return 'the file must hold one JSON object ({ "port": 8080, ... })';
  if (/additional propert/i.test(error.message)) {
    const known = SETTINGS.map((s) => fileKey(s.flag));
    return `unknown key "${key}" (known keys: ${known.join(', ')})`;
  }
  const wanted = expected(error.path);
  const actual = error.path
    .replace(/^\//, '')
    .split('/')
    .reduce<unknown>((value, part) => (value as Record<string, unknown> | undefined)?.[part], document);
  return `"${key}" must be ${wanted ?? error.message}, not ${JSON.stringify(actual)}`;
}

/**
 * Reads and checks a config file. A file that is absent is no error unless it was asked for
 * (`--config`, STOCKTAKE_CONFIG); every other problem names the file and the key at fault.
 */
export function readConfigFile(path: string, explicit: boolean): ConfigFile | undefined {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !explicit) return undefined;
    if (code === 'ENOENT') throw new ConfigFileError(`config file ${file} does not exist`);
    const hint =
      code === 'EACCES' || code === 'EPERM' ? ' (it may hold secrets and be readable by root only: use sudo)' : '';
    throw new ConfigFileError(`cannot read config file ${file}: ${code ?? (err as Error).message}${hint}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (err) {
    throw new ConfigFileError(`config file ${file} is not valid JSON: ${(err as Error).message}`);
  }
  const result = validateFile(document);
  if (!result.ok) {
    // The first problem alone: one line an operator can act on, then run `config check` again.
    // A union (a log level) fails once per alternative: count keys, not errors.
    const [first] = result.errors;
    const keys = new Set(result.errors.map((e) => e.path)).size;
    const more = keys > 1 ? ` (and ${keys - 1} more)` : '';
    throw new ConfigFileError(`config file ${file}: ${first ? describeProblem(first, document) : 'invalid'}${more}`);
  }
  return { path: file, values: result.value };
}

/**
 * The config file this invocation reads: `--config`, else STOCKTAKE_CONFIG (both must exist),
 * else /etc/stocktake/collector.json when there is one.
 */
export function findConfigFile(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  defaultPath: string = DEFAULT_CONFIG_PATH,
): ConfigFile | undefined {
  const named = flag ?? (env.STOCKTAKE_CONFIG?.trim() ? env.STOCKTAKE_CONFIG : undefined);
  return readConfigFile(named ?? defaultPath, named !== undefined);
}
