import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configPath, normaliseUrl, readConfig, resolveConnection, writeProfile } from './config.ts';
import { CliError, UsageError } from './errors.ts';
import { EXIT } from './exit-codes.ts';

function home(profiles?: Record<string, { url: string; token?: string }>) {
  const dir = join(tmpdir(), `stocktake-config-${process.pid}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir, { recursive: true });
  const env = { HOME: dir } as NodeJS.ProcessEnv;
  if (profiles) {
    const path = configPath(env);
    mkdirSync(join(dir, '.config', 'stocktake'), { recursive: true });
    writeFileSync(path, JSON.stringify({ profiles }), { mode: 0o600 });
  }
  return env;
}

const ignore = () => {};

describe('resolveConnection', () => {
  const profiles = {
    default: { url: 'https://prod.example.org', token: 'prod-token' },
    lab: { url: 'http://127.0.0.1:8080/', token: 'lab-token' },
  };

  it('takes the default profile when nothing else says', () => {
    expect(resolveConnection({}, home(profiles), ignore)).toEqual({
      url: 'https://prod.example.org',
      token: 'prod-token',
      source: 'profile "default"',
    });
  });

  it('lets the environment win over the default profile, and never sends its token elsewhere', () => {
    const env = { ...home(profiles), STOCKTAKE_URL: 'http://other:8080' };
    expect(resolveConnection({}, env, ignore)).toEqual({ url: 'http://other:8080', source: 'STOCKTAKE_URL' });
    expect(resolveConnection({}, { ...env, STOCKTAKE_TOKEN: 'env-token' }, ignore).token).toBe('env-token');
  });

  it('lets a named profile win over the environment, and flags over everything', () => {
    const env = { ...home(profiles), STOCKTAKE_URL: 'http://other:8080', STOCKTAKE_TOKEN: 'env-token' };
    expect(resolveConnection({ profile: 'lab' }, env, ignore)).toMatchObject({
      url: 'http://127.0.0.1:8080',
      token: 'lab-token',
    });
    expect(resolveConnection({}, { ...env, STOCKTAKE_PROFILE: 'lab' }, ignore).token).toBe('lab-token');
    expect(resolveConnection({ profile: 'lab', token: 'flag-token' }, env, ignore).token).toBe('flag-token');
    expect(resolveConnection({ url: 'http://flag:1', profile: 'lab' }, env, ignore)).toEqual({
      url: 'http://flag:1',
      token: 'env-token',
      source: '--url',
    });
  });

  it('refuses an unknown profile or no URL at all as usage errors', () => {
    expect(() => resolveConnection({ profile: 'nope' }, home(profiles), ignore)).toThrow(/no profile "nope"/);
    expect(() => resolveConnection({}, home(), ignore)).toThrow(UsageError);
  });

  it('says when the profile file is unreadable JSON or has the wrong shape (exit 6)', () => {
    const env = home();
    const path = configPath(env);
    mkdirSync(join(env.HOME ?? '', '.config', 'stocktake'), { recursive: true });
    writeFileSync(path, '{ nope');
    const err = (() => {
      try {
        readConfig(path, ignore);
      } catch (e) {
        return e as CliError;
      }
    })();
    expect(err).toBeInstanceOf(CliError);
    expect(err?.exitCode).toBe(EXIT.localFile);
    writeFileSync(path, JSON.stringify({ profiles: { x: { token: 't' } } }));
    expect(() => readConfig(path, ignore)).toThrow(/needs a "url"/);
  });

  it('warns when others may read the tokens', () => {
    const env = home(profiles);
    const path = configPath(env);
    chmodSync(path, 0o644);
    const warnings: string[] = [];
    readConfig(path, (w) => warnings.push(w));
    expect(warnings).toEqual([expect.stringContaining('readable by others (mode 644)')]);
  });
});

describe('writeProfile', () => {
  it('writes 0600 in a 0700 directory and keeps the other profiles', () => {
    const env = home({ other: { url: 'http://a:1', token: 'a' } });
    const path = configPath(env);
    writeProfile(path, 'default', { url: 'http://b:2', token: 'b' }, ignore);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      profiles: { other: { url: 'http://a:1', token: 'a' }, default: { url: 'http://b:2', token: 'b' } },
    });
    const fresh = home();
    const freshPath = configPath(fresh);
    writeProfile(freshPath, 'lab', { url: 'http://c:3' }, ignore);
    expect(statSync(join(fresh.HOME ?? '', '.config', 'stocktake')).mode & 0o777).toBe(0o700);
  });
});

describe('normaliseUrl', () => {
  it('keeps a path prefix, drops trailing slashes, refuses other schemes', () => {
    expect(normaliseUrl('https://example.org/stocktake/', 'x')).toBe('https://example.org/stocktake');
    expect(() => normaliseUrl('ftp://example.org', 'x')).toThrow(UsageError);
    expect(() => normaliseUrl('example.org', 'x')).toThrow(UsageError);
    expect(() => normaliseUrl('http://example.org/?a=1', 'x')).toThrow(UsageError);
  });
});
