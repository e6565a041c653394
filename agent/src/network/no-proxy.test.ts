import { describe, expect, it } from 'vitest';
import { bypassesProxy } from './no-proxy.ts';

describe('bypassesProxy (NO_PROXY)', () => {
  const cases: [noProxy: string | undefined, url: string, direct: boolean][] = [
    [undefined, 'https://collector.example.org', false],
    ['', 'https://collector.example.org', false],
    ['*', 'https://collector.example.org:8443', true],
    ['collector.example.org', 'https://collector.example.org', true],
    ['COLLECTOR.Example.org', 'https://collector.example.ORG', true],
    // A domain names itself and its hosts, with or without a leading dot or star.
    ['example.org', 'https://collector.example.org', true],
    ['.example.org', 'https://collector.example.org', true],
    ['.example.org', 'https://example.org', true],
    ['*.example.org', 'https://a.b.example.org', true],
    ['example.org', 'https://notexample.org', false],
    ['.example.org', 'https://example.org.evil.net', false],
    // Lists: commas, spaces, empty entries.
    ['localhost, .corp.internal,,example.org', 'https://inventory.corp.internal', true],
    ['localhost other.example', 'https://collector.example.org', false],
    // Ports: only that one; the scheme's default when the URL has none.
    ['collector.example.org:8443', 'https://collector.example.org:8443', true],
    ['collector.example.org:8443', 'https://collector.example.org', false],
    ['collector.example.org:443', 'https://collector.example.org', true],
    ['collector.example.org:80', 'http://collector.example.org', true],
    // Addresses and blocks.
    ['127.0.0.1', 'https://127.0.0.1:9000', true],
    ['127.0.0.1:9000', 'https://127.0.0.1:9001', false],
    ['10.0.0.0/8', 'https://10.20.30.40', true],
    ['10.0.0.0/8', 'https://11.0.0.1', false],
    ['10.0.0.0/8', 'https://collector.example.org', false],
    ['::1', 'https://[::1]:8443', true],
    ['[::1]:8443', 'https://[::1]:8443', true],
    ['[::1]:8443', 'https://[::1]:9443', false],
    ['fd00::/8', 'https://[fd12::1]', true],
    // Nonsense entries match nothing and do not stop the rest.
    ['10.0.0.0/99,*.,:,collector.example.org', 'https://collector.example.org', true],
    ['10.0.0.0/99,*.,:', 'https://collector.example.org', false],
  ];
  it.each(cases)('NO_PROXY=%j, %s: direct %s', (noProxy, url, direct) => {
    expect(bypassesProxy(noProxy, new URL(url))).toBe(direct);
  });
});
