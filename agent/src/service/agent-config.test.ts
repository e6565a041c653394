import { describe, expect, it } from 'vitest';
import { InstallInputError, renderAgentConfig, validateInstallConfig } from './agent-config.ts';

describe('install config', () => {
  it('writes exactly the server and the enroll secret', () => {
    const text = renderAgentConfig(validateInstallConfig({ server: ' https://st.example.org ', enrollSecret: 's"3' }));
    expect(JSON.parse(text)).toEqual({ server: 'https://st.example.org', enrollSecret: 's"3' });
    expect(Object.keys(JSON.parse(text))).toEqual(['server', 'enrollSecret']);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('keeps a private temporary directory out of a Linux service', () => {
    const base = { server: 'https://st.example.org', enrollSecret: 's' };
    expect(() => validateInstallConfig({ ...base, caFile: '/tmp/ca.pem' }, {}, { privateTmp: true })).toThrow(
      /--ca-file: \/tmp\/ca\.pem is in a temporary directory, which the service cannot see \(PrivateTmp=yes\)/,
    );
  });

  const refused: [string, { server?: string; enrollSecret?: string }, RegExp][] = [
    ['no server', { enrollSecret: 's' }, /needs --server/],
    ['not a URL', { server: 'collector:8080x', enrollSecret: 's' }, /http:\/\/ or https:\/\//],
    ['garbage', { server: 'not a url', enrollSecret: 's' }, /must be a URL/],
    ['ftp', { server: 'ftp://x', enrollSecret: 's' }, /http:\/\/ or https:\/\//],
    ['no secret', { server: 'http://x' }, /needs --enroll-secret/],
    ['blank secret', { server: 'http://x', enrollSecret: '  ' }, /needs --enroll-secret/],
    ['two lines', { server: 'http://x', enrollSecret: 'a\nb' }, /one line/],
  ];
  it.each(refused)('refuses %s', (_name, input, message) => {
    expect(() => validateInstallConfig(input)).toThrow(InstallInputError);
    expect(() => validateInstallConfig(input)).toThrow(message);
  });
});
