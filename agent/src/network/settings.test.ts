import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultTrust, NetworkSettingError, proxyFor, redact, resolveNetwork } from './settings.ts';

const HTTPS = new URL('https://collector.example.org:8443');
const HTTP = new URL('http://collector.example.org:8080');
const given = (value: string, origin = '--proxy') => ({ value, origin });

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(NetworkSettingError);
    return (err as Error).message;
  }
  throw new Error('expected a NetworkSettingError');
}

describe('proxyFor', () => {
  it('takes the variable of the server scheme, the lower-case one first', () => {
    const env = { HTTPS_PROXY: 'http://upper:3128', https_proxy: 'http://lower:3128', HTTP_PROXY: 'http://plain:3128' };
    expect(proxyFor(HTTPS, {}, env)).toEqual({ url: 'http://lower:3128/', origin: 'https_proxy' });
    expect(proxyFor(HTTPS, {}, { HTTPS_PROXY: 'http://upper:3128' })?.origin).toBe('HTTPS_PROXY');
    expect(proxyFor(HTTP, {}, env)).toEqual({ url: 'http://plain:3128/', origin: 'HTTP_PROXY' });
    // HTTP_PROXY is for http URLs only, as everywhere.
    expect(proxyFor(HTTPS, {}, { HTTP_PROXY: 'http://plain:3128' })).toBeUndefined();
    expect(proxyFor(HTTPS, {}, { HTTPS_PROXY: ' ' })).toBeUndefined();
  });

  it("lets the agent's own settings win over the environment's", () => {
    const env = { HTTPS_PROXY: 'http://machine:3128', NO_PROXY: '*' };
    expect(proxyFor(HTTPS, { proxy: given('http://agent:8080') }, env)).toBeUndefined();
    expect(proxyFor(HTTPS, { proxy: given('http://agent:8080'), noProxy: given('', 'noProxy') }, env)).toEqual({
      url: 'http://agent:8080/',
      origin: '--proxy',
    });
    expect(proxyFor(HTTPS, { noProxy: given('.example.org') }, { HTTPS_PROXY: 'http://machine:3128' })).toBeUndefined();
  });

  it('reads a proxy without a scheme as http, and keeps its credentials', () => {
    expect(proxyFor(HTTPS, { proxy: given('proxy.corp:3128') }, {})?.url).toBe('http://proxy.corp:3128/');
    expect(proxyFor(HTTPS, { proxy: given('https://u:p%40ss@proxy.corp') }, {})?.url).toBe(
      'https://u:p%40ss@proxy.corp/',
    );
  });

  it('names a proxy it cannot use and where it came from, without its password', () => {
    expect(errorOf(() => proxyFor(HTTPS, {}, { HTTPS_PROXY: 'socks5://u:secret@proxy:1080' }))).toBe(
      'HTTPS_PROXY: "socks5://u:***@proxy:1080" is not an http:// or https:// proxy URL (e.g. http://proxy:3128)',
    );
    expect(errorOf(() => proxyFor(HTTPS, { proxy: given('http://proxy:3128/path') }, {}))).toMatch(
      /^--proxy: "http:\/\/proxy:3128\/path" has a path/,
    );
    expect(errorOf(() => proxyFor(HTTPS, { proxy: given('http://[bad') }, {}))).toMatch(
      /^--proxy: ".*" is not a proxy URL/,
    );
    // Checked even when NO_PROXY would bypass it: a typo shows at once, not on another network.
    expect(() => proxyFor(HTTPS, { proxy: given('ftp://x') }, { NO_PROXY: '*' })).toThrow(NetworkSettingError);
  });

  it('redacts only the password', () => {
    expect(redact('http://user:secret@proxy:3128/')).toBe('http://user:***@proxy:3128/');
    expect(redact('http://proxy:3128/')).toBe('http://proxy:3128/');
  });
});

describe('resolveNetwork: the CA bundle', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stocktake-ca-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const bundle = (text: string) => {
    const path = join(dir, 'ca.pem');
    writeFileSync(path, text);
    return path;
  };

  it('adds the bundle to the default trust rather than replacing it', () => {
    const [first, second] = rootCertificates as [string, string];
    const path = bundle(`# two CAs\n${first}\n\n${second}\n`);
    const settings = resolveNetwork(HTTPS, { caFile: given(path, 'caFile') }, {});
    expect(settings.caFile).toBe(path);
    // Node's default store as this runtime has it (on Node 22.15 and later, with NODE_EXTRA_CA_CERTS too).
    expect(settings.ca).toEqual([...defaultTrust(), first, second]);
    expect(resolveNetwork(HTTPS, {}, {})).toEqual({});
  });

  it('refuses a file it cannot read, one without a certificate, and a damaged certificate', () => {
    expect(errorOf(() => resolveNetwork(HTTPS, { caFile: given(join(dir, 'absent.pem'), 'caFile') }, {}))).toBe(
      `caFile: cannot read CA bundle ${join(dir, 'absent.pem')}: ENOENT`,
    );
    const key = bundle('-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n');
    expect(errorOf(() => resolveNetwork(HTTPS, { caFile: given(key, 'caFile') }, {}))).toBe(
      `caFile: ${key} holds no PEM certificate (expected "-----BEGIN CERTIFICATE-----" blocks)`,
    );
    const damaged = bundle(`${rootCertificates[0]}\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`);
    expect(errorOf(() => resolveNetwork(HTTPS, { caFile: given(damaged, 'caFile') }, {}))).toMatch(
      /^caFile: certificate 2 of .*ca\.pem cannot be read: /,
    );
  });
});
