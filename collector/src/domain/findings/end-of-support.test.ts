import { describe, expect, it } from 'vitest';
import { compileEndOfSupport, loadBundledEndOfSupport, versionHasPrefix } from './end-of-support.ts';

describe('versionHasPrefix', () => {
  it.each([
    ['20.04.6 LTS', '20.04', true],
    ['20.4', '20.04', true],
    ['20.10', '20.04', false],
    ['10.13', '10', true],
    ['100.1', '10', false],
    ['23H2', '23H2', true],
    ['23h2', '23H2', true],
    ['7.9', '7', true],
    ['', '7', false],
  ])('%j starts with %j: %s', (version, prefix, expected) => {
    expect(versionHasPrefix(version, prefix)).toBe(expected);
  });
});

describe('end-of-support list', () => {
  const eos = compileEndOfSupport(loadBundledEndOfSupport());
  const product = (family: string, name: string, version: string | null) => eos({ family, name, version })?.product;

  it('names the OS releases agents report, the first matching entry winning', () => {
    expect(product('windows', 'Windows 10 Pro', '22H2')).toMatch(/^Windows 10 \(22H2/);
    expect(product('windows', 'Windows 10 Enterprise LTSC 2019', '1809')).toBe('Windows 10 Enterprise LTSC 2019');
    expect(product('windows', 'Windows 10 IoT Enterprise LTSC 2021', '21H2')).toBe(
      'Windows 10 IoT Enterprise LTSC 2021',
    );
    expect(product('windows', 'Windows 11 Enterprise', '23H2')).toBe('Windows 11 23H2 Enterprise/Education');
    expect(product('windows', 'Windows 11 Pro', '23H2')).toBe('Windows 11 23H2 Home/Pro');
    expect(product('windows', 'Windows Server 2012 R2 Standard', null)).toBe('Windows Server 2012 / 2012 R2');
    expect(product('linux', 'Ubuntu', '18.04.6')).toBe('Ubuntu 18.04 LTS');
    expect(product('linux', 'Debian GNU/Linux', '10.13')).toBe('Debian 10 (buster)');
    expect(product('linux', 'Red Hat Enterprise Linux', '7.9')).toBe('Red Hat Enterprise Linux 7');
    expect(product('linux', 'CentOS Linux', '8.5.2111')).toBe('CentOS Linux 8');
    expect(product('macos', 'macOS', '12.7.6')).toBe('macOS 12 Monterey');
  });

  it('does not name releases still supported, or an OS it has no version for when the entry needs one', () => {
    expect(product('linux', 'Ubuntu', '24.04.1')).toBeUndefined();
    expect(product('linux', 'Debian GNU/Linux', '12.7')).toBeUndefined();
    expect(product('macos', 'macOS', '15.5')).toBeUndefined();
    expect(product('linux', 'Ubuntu', null)).toBeUndefined();
    expect(product('windows', 'Windows Server 2022 Datacenter', '21H2')).toBeUndefined();
    // Family must agree when the entry names one.
    expect(product('linux', 'Windows 10 Pro', null)).toBeUndefined();
  });
});
