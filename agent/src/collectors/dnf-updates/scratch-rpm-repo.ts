import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Test support, shared by the dnf-updates and zypper-updates tests: a scratch rpm system for
 * the real dnf and zypper to answer about. Never used by the agent itself.
 */
export interface ScratchRpmSystem {
  /** Install root whose rpm database holds the old builds. */
  root: string;
  /** rpm-md repository with the new builds and one security advisory. */
  repo: string;
}

export const SCRATCH_TOOLS = ['/usr/bin/rpm', '/usr/bin/rpmbuild', '/usr/bin/createrepo_c', '/usr/bin/modifyrepo_c'];

export const hasScratchTools = () => SCRATCH_TOOLS.every((t) => existsSync(t));

/** Packages as (name, installed version, available version, arch); release is always 1. */
export const SCRATCH_PACKAGES = [
  ['probe-libs', '1.0', '1.1', 'x86_64'],
  ['probe-data', '2024a', '2024b', 'noarch'],
  ['probe-tools-with-a-name-too-long-for-the-column-dnf-sizes', '3.0', '3.1', 'x86_64'],
] as const;

/** The advisory, of type security and severity Critical, covers probe-libs only. */
export const SCRATCH_ADVISORY = 'PROBE-2024:0001';

const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: 'pipe', encoding: 'utf8' });

/**
 * Builds an installed and a newer build of each package, records the old ones in the rpm
 * database of `<work>/root` (at /var/lib/rpm, linked from rpm's own default path when that
 * differs, as on Debian), and publishes the new ones with an advisory in `<work>/repo`.
 */
export async function buildScratchRpmSystem(work: string): Promise<ScratchRpmSystem> {
  const root = path.join(work, 'root');
  const oldDir = path.join(work, 'old');
  const repo = path.join(work, 'repo');
  const build = async (dir: string, name: string, version: string, arch: string) => {
    const spec = path.join(work, `${name}-${version}.spec`);
    const lines = [`Name: ${name}`, `Version: ${version}`, 'Release: 1', 'Summary: t', 'License: MIT'];
    if (arch === 'noarch') lines.push('BuildArch: noarch');
    await writeFile(spec, `${lines.join('\n')}\n%description\nt\n%files\n`);
    sh('rpmbuild', [
      ...['-bb', '--quiet', '--target', 'x86_64', '--define', `_topdir ${path.join(work, 'top')}`],
      ...['--define', `_rpmdir ${dir}`, '--define', '_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm'],
      spec,
    ]);
  };
  const oldRpms: string[] = [];
  for (const [name, oldVersion, newVersion, arch] of SCRATCH_PACKAGES) {
    await build(oldDir, name, oldVersion, arch);
    await build(repo, name, newVersion, arch);
    oldRpms.push(path.join(oldDir, `${name}-${oldVersion}-1.${arch}.rpm`));
  }
  const dbpath = '/var/lib/rpm';
  await mkdir(path.join(root, dbpath), { recursive: true });
  const defaultDbpath = sh('rpm', ['--eval', '%_dbpath']).trim();
  if (defaultDbpath !== dbpath && defaultDbpath.startsWith('/')) {
    await mkdir(path.dirname(path.join(root, defaultDbpath)), { recursive: true });
    await symlink(
      path.relative(path.dirname(path.join(root, defaultDbpath)), path.join(root, dbpath)),
      path.join(root, defaultDbpath),
    );
  }
  sh('rpm', ['--root', root, '--dbpath', dbpath, '--initdb']);
  sh('rpm', ['--root', root, '--dbpath', dbpath, '-i', '--justdb', '--nodeps', '--ignorearch', ...oldRpms]);
  sh('createrepo_c', ['-q', repo]);
  const updateinfo = path.join(work, 'updateinfo.xml');
  await writeFile(
    updateinfo,
    `<?xml version="1.0" encoding="UTF-8"?>
<updates><update from="t@example.com" status="final" type="security" version="1">
<id>${SCRATCH_ADVISORY}</id><title>Critical: probe-libs</title><issued date="2024-05-01 00:00:00"/>
<severity>Critical</severity><summary>s</summary><description>d</description><references/>
<pkglist><collection short=""><name>probe</name>
<package name="probe-libs" version="1.1" release="1" epoch="0" arch="x86_64"><filename>probe-libs-1.1-1.x86_64.rpm</filename></package>
</collection></pkglist></update></updates>
`,
  );
  sh('modifyrepo_c', ['--mdtype=updateinfo', updateinfo, path.join(repo, 'repodata')]);
  return { root, repo };
}
