import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootTime, directoryDomain, fqdnFromHosts, linuxOs, parseOsRelease, preciseVersion } from './parse.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
const base = { hostname: 'ws-0042', kernel: '6.1.0-26-amd64', machine: 'x64' };

describe('linuxOs', () => {
  it('takes the Debian point release from /etc/debian_version', () => {
    expect(
      linuxOs({
        ...base,
        osRelease: fixture('debian-12-os-release'),
        debianVersion: fixture('debian-12-debian_version'),
      }),
    ).toMatchObject({
      family: 'linux',
      name: 'Debian GNU/Linux',
      version: fixture('debian-12-debian_version').trim(),
      codename: 'bookworm',
      arch: 'x86_64',
    });
  });

  it("takes Ubuntu's point release from VERSION, not Ubuntu's debian_version", () => {
    const os = linuxOs({
      ...base,
      osRelease: fixture('ubuntu-22.04-os-release'),
      debianVersion: fixture('ubuntu-22.04-debian_version'),
    });
    expect(os).toMatchObject({ name: 'Ubuntu', version: '22.04.4', codename: 'jammy' });
  });

  it('reads RHEL and rolling releases', () => {
    expect(linuxOs({ ...base, osRelease: fixture('rhel-9.4-os-release') })).toMatchObject({
      name: 'Red Hat Enterprise Linux',
      version: '9.4',
    });
    const arch = linuxOs({ ...base, osRelease: fixture('arch-os-release'), machine: 'arm64' });
    expect(arch).toMatchObject({ name: 'Arch Linux', build: 'rolling', arch: 'aarch64' });
    expect(arch.version).toBeUndefined();
  });

  it('reports boot time, FQDN and directory domain only when the machine tells them', () => {
    const os = linuxOs({
      ...base,
      osRelease: fixture('debian-12-os-release'),
      procStat: 'cpu  1 2 3\nbtime 1795363087\n',
      fqdn: 'ws-0042.corp.example.com',
      sssdConf: fixture('sssd.conf'),
      installDate: new Date('2024-02-01T09:00:00Z'),
    });
    expect(os).toMatchObject({
      lastBoot: '2026-11-22T15:58:07.000Z',
      fqdn: 'ws-0042.corp.example.com',
      domain: 'corp.example.com',
      installDate: '2024-02-01T09:00:00.000Z',
    });
    const bare = linuxOs({
      ...base,
      osRelease: fixture('debian-12-os-release'),
      fqdn: 'ws-0042',
      installDate: new Date(0),
    });
    expect(bare.fqdn).toBeUndefined();
    expect(bare.installDate).toBeUndefined();
    expect(bare.domain).toBeUndefined();
  });
});

describe('pieces', () => {
  it('parses quoted os-release values with escapes', () => {
    expect(parseOsRelease('NAME="Foo \\"Bar\\" OS"\nID=foo\n# comment\nbroken line\nVERSION=\'1 LTS\'\n')).toEqual({
      NAME: 'Foo "Bar" OS',
      ID: 'foo',
      VERSION: '1 LTS',
    });
  });

  it('ignores a debian_version from another major release', () => {
    expect(preciseVersion({ VERSION_ID: '12' }, '11.9')).toBe('12');
  });

  it('reads btime from /proc/stat', () => {
    expect(bootTime(fixture('proc-stat-excerpt.txt'))).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(bootTime('cpu 1 2 3\n')).toBeUndefined();
  });

  it('falls back from sssd to the Kerberos realm', () => {
    expect(directoryDomain(undefined, fixture('krb5.conf'))).toBe('CORP.EXAMPLE.COM');
    expect(directoryDomain('[sssd]\nservices = nss\n', undefined)).toBeUndefined();
  });
});

describe('fqdnFromHosts', () => {
  const hosts =
    '127.0.0.1\tlocalhost\n127.0.1.1\tws-0042.corp.example.com ws-0042  # added by the installer\n::1 localhost ip6-localhost\n';
  it('takes the canonical name of the line listing this host', () => {
    expect(fqdnFromHosts(hosts, 'ws-0042')).toBe('ws-0042.corp.example.com');
  });
  it('does not invent one when /etc/hosts has none', () => {
    expect(fqdnFromHosts('127.0.0.1 localhost\n127.0.1.1 vm\n', 'vm')).toBeUndefined();
    expect(fqdnFromHosts('', 'db1.example.org')).toBe('db1.example.org');
  });
});
