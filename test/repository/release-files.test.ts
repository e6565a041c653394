import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** The Dockerfile's instructions as [keyword, rest] pairs, continuation lines joined. */
function instructions(text: string): [string, string][] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return [keyword.toUpperCase(), rest.join(' ')];
    });
}

describe('what the repository ships beside the code', () => {
  it('a LICENSE with the text of the license package.json names', () => {
    const { license } = JSON.parse(read('package.json')) as { license: string };
    expect(license).toBe('Apache-2.0');
    expect(read('LICENSE')).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
    expect(read('LICENSE')).toContain('END OF TERMS AND CONDITIONS');
  });

  it('SECURITY.md says how to report and what is in scope; CHANGELOG.md names the current version', () => {
    const security = read('SECURITY.md');
    expect(security).toContain('## Reporting a vulnerability');
    expect(security).toContain('## In scope');
    const { version } = JSON.parse(read('collector/package.json')) as { version: string };
    expect(read('CHANGELOG.md')).toContain(`## ${version}`);
  });

  it('the Dockerfile runs the current version’s release archive as a user, with /var/lib/stocktake a volume', () => {
    const steps = instructions(read('Dockerfile'));
    const value = (keyword: string, name: string) =>
      steps.find(([k, rest]) => k === keyword && rest.startsWith(`${name}=`))?.[1].slice(name.length + 1);
    const { version } = JSON.parse(read('collector/package.json')) as { version: string };
    expect(value('ARG', 'VERSION')).toBe(version);
    // The name `pnpm build` gives the linux-x64 archive, the version a build argument.
    const versionArgument = ['$', '{VERSION}'].join('');
    expect(value('ARG', 'ARCHIVE')).toBe(`dist/release/stocktake-${versionArgument}-linux-x64.tar.gz`);
    expect(steps).toContainEqual(['VOLUME', '/var/lib/stocktake']);
    expect(steps).toContainEqual(['USER', 'stocktake']);
    expect(steps).toContainEqual(['ENTRYPOINT', '["stocktake-collector"]']);
    expect(steps).toContainEqual(['CMD', '["serve"]']);
    const env = steps
      .filter(([k]) => k === 'ENV')
      .map(([, rest]) => rest)
      .join(' ');
    expect(env).toContain('STOCKTAKE_DB=/var/lib/stocktake/stocktake.db');
    // The build context holds the archive and nothing else.
    expect(
      read('.dockerignore')
        .split('\n')
        .filter((l) => l && !l.startsWith('#')),
    ).toEqual(['*', '!dist/release/*.tar.gz']);
  });
});
