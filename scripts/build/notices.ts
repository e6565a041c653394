import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Metafile } from 'esbuild';

interface PackageNotice {
  name: string;
  version: string;
  license: string;
  text?: string;
}

/** The package roots (…/node_modules/<name>) that contributed files to the bundle. */
export function bundledPackageRoots(metafile: Metafile, cwd: string): string[] {
  const roots = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match?.[1]) roots.add(resolve(cwd, match[1]));
  }
  return [...roots].sort();
}

async function packageNotice(root: string): Promise<PackageNotice> {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
    license?: string;
  };
  const licenceFile = (await readdir(root)).find((f) => /^licen[cs]e(\.(md|txt))?$/i.test(f));
  return {
    name: pkg.name,
    version: pkg.version,
    license: pkg.license ?? 'see text',
    ...(licenceFile ? { text: (await readFile(join(root, licenceFile), 'utf8')).trim() } : {}),
  };
}

/** THIRD-PARTY-NOTICES.txt: every bundled package, the Node.js runtime when it is shipped, and `extra` lines. */
export async function renderNotices(options: {
  title: string;
  metafile: Metafile;
  cwd: string;
  /** The runtime the files carry (the agent executables), with its licence. */
  node?: { version: string; licence: string; role: string };
  extra: string[];
}): Promise<string> {
  const notices = await Promise.all(bundledPackageRoots(options.metafile, options.cwd).map(packageNotice));
  const sections = [
    `${options.title}\n`,
    ...(options.node
      ? [`== Node.js ${options.node.version} (${options.node.role})\n\n${options.node.licence.trim()}\n`]
      : []),
    ...options.extra.map((line) => `== ${line}\n`),
    ...notices.map((n) => `== ${n.name}@${n.version} (${n.license})\n${n.text ? `\n${n.text}\n` : ''}`),
  ];
  return `${sections.join('\n')}`;
}
