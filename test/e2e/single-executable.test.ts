import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { validateSnapshot } from '@stocktake/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_VERSION } from '../../agent/src/version.ts';
import { bundleProblems } from '../../scripts/build/bundle.ts';
import { linkeditCoversEnd, readMachO, removeCodeSignature } from '../../scripts/build/macho.ts';
import { readPeSecurity, removeAuthenticode } from '../../scripts/build/pe.ts';
import { apiHeaders } from '../support/agent-service.ts';
import { type RunningCollector, startCollector, tempDir } from '../support/processes.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const EXE = join(ROOT, 'dist', 'agent', 'stocktake-agent-linux-x64');
const SECRET = 'sea-e2e-secret';
const onLinuxX64 = process.platform === 'linux' && process.arch === 'x64';

/** Everything the executable is built from; newer than the executable means rebuild. */
function newestInput(): number {
  let newest = 0;
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    const st = statSync(path);
    if (st.isDirectory()) {
      for (const name of readdirSync(path)) if (name !== 'node_modules' && name !== 'fixtures') visit(join(path, name));
    } else if (!path.endsWith('.test.ts') && !path.endsWith('.md')) {
      newest = Math.max(newest, st.mtimeMs);
    }
  };
  for (const p of [
    'agent/src',
    'agent/package.json',
    'shared/src',
    'scripts/build',
    'scripts/build-agent.ts',
    'pnpm-lock.yaml',
  ]) {
    visit(join(ROOT, p));
  }
  return newest;
}

/** Every path through which a `node` binary could be found on this machine. */
function nodeBinaries(): string[] {
  const found = new Set<string>([realpathSync(process.execPath)]);
  const which = spawnSync('which', ['-a', 'node'], { encoding: 'utf8' });
  for (const line of (which.stdout ?? '').split('\n').filter(Boolean)) found.add(realpathSync(line));
  return [...found];
}

const canUnshare = onLinuxX64 && spawnSync('unshare', ['-m', 'true'], { stdio: 'ignore' }).status === 0;
const SAFE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the executable with an empty environment and, where mount namespaces work, with every
 * node binary on this machine replaced by /dev/null, from a directory outside the repository.
 */
function runWithoutNode(args: string[], cwd: string): Promise<Run> {
  const script = canUnshare
    ? [
        ...nodeBinaries().map((n) => `mount --bind /dev/null '${n}' || exit 90`),
        // Prove node is really gone before running the agent.
        'if node --version >/dev/null 2>&1; then echo "node still runs" >&2; exit 91; fi',
        'exec env -i PATH="$SAFE_PATH" "$EXE" "$@"',
      ].join('\n')
    : 'exec env -i PATH="$SAFE_PATH" "$EXE" "$@"';
  const argv = canUnshare ? ['unshare', '-m', 'sh', '-c', script, 'sh', ...args] : ['sh', '-c', script, 'sh', ...args];
  return new Promise((done) => {
    execFile(
      argv[0] as string,
      argv.slice(1),
      { cwd, env: { PATH: SAFE_PATH, SAFE_PATH, EXE }, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) => {
        done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

describe.skipIf(!onLinuxX64)('the linux-x64 single executable, with no Node.js reachable', () => {
  const dir = tempDir('stocktake-sea-');
  let collector: RunningCollector;
  let headers: Record<string, string> = {};

  beforeAll(async () => {
    if (!existsSync(EXE) || statSync(EXE).mtimeMs < newestInput()) {
      // The real build, linux target only: bundle, blob, inject (Node binary cached after the first fetch).
      execFileSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/build-agent.ts', '--targets', 'linux-x64'], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
        timeout: 240_000,
      });
    }
    collector = await startCollector({ dbPath: join(dir.path, 'stocktake.db'), enrollSecret: SECRET });
    headers = await apiHeaders(join(dir.path, 'stocktake.db'));
  }, 300_000);
  afterAll(async () => {
    await collector?.stop();
    dir.remove();
  });

  it('is a stripped ELF with its checksum beside it', () => {
    const digest = createHash('sha256').update(readFileSync(EXE)).digest('hex');
    expect(readFileSync(`${EXE}.sha256`, 'utf8')).toBe(`${digest}  stocktake-agent-linux-x64\n`);
    if (spawnSync('file', ['--version']).status === 0) {
      expect(execFileSync('file', ['-b', EXE], { encoding: 'utf8' })).toMatch(/ELF 64-bit LSB .*x86-64.*stripped/);
    }
  });

  it('prints its version', async () => {
    const run = await runWithoutNode(['version'], dir.path);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${AGENT_VERSION}\n`);
  });

  it('inventory prints a snapshot the shared schema accepts', async () => {
    const run = await runWithoutNode(['inventory', '--state-dir', join(dir.path, 'unused')], dir.path);
    expect(run.code, run.stderr).toBe(0);
    const snapshot = JSON.parse(run.stdout);
    const result = validateSnapshot(snapshot);
    expect(result.ok ? [] : result.errors).toEqual([]);
    expect(snapshot.agent.version).toBe(AGENT_VERSION);
    expect(snapshot.sections.os.status).toBe('ok');
    expect(snapshot.sections.hardware.status).toBe('ok');
  });

  it('once enrols and pushes to a real collector, which then serves the device', async () => {
    const stateDir = join(dir.path, 'state');
    const run = await runWithoutNode(
      ['once', '--server', collector.url, '--enroll-secret', SECRET, '--state-dir', stateDir],
      dir.path,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^pushed snapshot [0-9a-f-]{36} for device [0-9a-f-]{36} \(enrolled as agent/);
    expect(statSync(join(stateDir, 'credentials.json')).mode & 0o777).toBe(0o600);
    const list = (await (await fetch(`${collector.url}/api/v1/devices`, { headers })).json()) as {
      items: { id: string; osName: string }[];
    };
    expect(list.items).toHaveLength(1);
    expect(list.items[0]?.osName).toBeTruthy();
  });

  it('service install copies itself and uninstall restores the staging root (commands printed, not run)', async () => {
    const root = join(dir.path, 'root');
    const install = await runWithoutNode(
      ['service', 'install', '--server', collector.url, '--enroll-secret', SECRET, '--root', root],
      dir.path,
    );
    expect(install.code, install.stderr).toBe(0);
    expect(install.stdout).toContain('not run (--root): systemctl enable stocktake-agent.service');
    expect(readFileSync(join(root, 'usr/local/bin/stocktake-agent')).equals(readFileSync(EXE))).toBe(true);
    expect(statSync(join(root, 'etc/stocktake/agent.json')).mode & 0o777).toBe(0o600);
    const uninstall = await runWithoutNode(['service', 'uninstall', '--root', root], dir.path);
    expect(uninstall.code, uninstall.stderr).toBe(0);
    expect(readdirSync(root)).toEqual([]);
  });

  it.runIf(canUnshare)('really ran with node hidden (the guard itself works)', () => {
    const result = spawnSync(
      'unshare',
      [
        '-m',
        'sh',
        '-c',
        `${nodeBinaries()
          .map((n) => `mount --bind /dev/null '${n}'`)
          .join('\n')}\nnode --version`,
      ],
      { encoding: 'utf8' },
    );
    expect(result.status).not.toBe(0);
  });
});

describe('build checks', () => {
  it('refuses a bundle with a native addon, its loader, or a module left outside', () => {
    const meta = (inputs: string[], externals: string[]) => ({
      inputs: Object.fromEntries(inputs.map((i) => [i, { bytes: 1, imports: [] }])),
      outputs: {
        'out.cjs': {
          bytes: 1,
          inputs: {},
          exports: [],
          imports: externals.map((path) => ({ path, kind: 'require-call' as const, external: true })),
        },
      },
    });
    expect(
      bundleProblems(
        meta(['agent/src/main.ts'], ['node:fs', 'fs', 'node:sea', 'osx-temperature-sensor', 'bufferutil']),
      ),
    ).toEqual([]);
    expect(
      bundleProblems(
        meta(
          ['node_modules/.pnpm/better-sqlite3@12/node_modules/better-sqlite3/build/Release/better_sqlite3.node'],
          [],
        ),
      ),
    ).toEqual([expect.stringMatching(/^native addon in bundle/)]);
    expect(bundleProblems(meta(['node_modules/.pnpm/x/node_modules/node-gyp-build/index.js'], []))).toEqual([
      expect.stringMatching(/^native addon loader in bundle: node-gyp-build/),
    ]);
    expect(bundleProblems(meta([], ['better-sqlite3']))).toEqual([
      expect.stringMatching(/left outside the bundle: better-sqlite3/),
    ]);
  });

  it('removes an Authenticode certificate table from the end of a PE32+ file', () => {
    const pe = Buffer.alloc(0x400);
    pe.write('MZ', 0, 'latin1');
    pe.writeUInt32LE(0x80, 0x3c);
    pe.write('PE\0\0', 0x80, 'latin1');
    const optional = 0x80 + 24;
    pe.writeUInt16LE(0x20b, optional);
    pe.writeUInt32LE(16, optional + 108);
    pe.writeUInt32LE(0x300, optional + 112 + 32);
    pe.writeUInt32LE(0x100, optional + 112 + 36);
    pe.fill(0xaa, 0x300);
    expect(readPeSecurity(pe)).toEqual({ offset: 0x300, size: 0x100, entryOffset: optional + 144 });
    const out = removeAuthenticode(pe);
    expect(out.length).toBe(0x300);
    expect(readPeSecurity(out)).toMatchObject({ offset: 0, size: 0 });
    expect(removeAuthenticode(out)).toBe(out);
    pe.writeUInt32LE(0x200, optional + 112 + 32);
    expect(() => removeAuthenticode(pe)).toThrow(/not at the end/);
  });

  it('removes a Mach-O code signature the way codesign --remove-signature does', () => {
    // header, __TEXT, __LINKEDIT, LC_CODE_SIGNATURE; the signature is the last 0x100 bytes.
    const buf = Buffer.alloc(0x1000);
    buf.writeUInt32LE(0xfeedfacf, 0);
    const segment = (at: number, name: string, fileoff: number, filesize: number) => {
      buf.writeUInt32LE(0x19, at);
      buf.writeUInt32LE(72, at + 4);
      buf.write(name, at + 8, 'latin1');
      buf.writeBigUInt64LE(BigInt(filesize), at + 32);
      buf.writeBigUInt64LE(BigInt(fileoff), at + 40);
      buf.writeBigUInt64LE(BigInt(filesize), at + 48);
    };
    segment(32, '__TEXT', 0, 0x800);
    segment(104, '__LINKEDIT', 0x800, 0x800);
    buf.writeUInt32LE(0x1d, 176);
    buf.writeUInt32LE(16, 180);
    buf.writeUInt32LE(0xf00, 184);
    buf.writeUInt32LE(0x100, 188);
    buf.writeUInt32LE(3, 16);
    buf.writeUInt32LE(72 + 72 + 16, 20);
    expect(readMachO(buf).signature).toEqual({ commandOffset: 176, cmdsize: 16, dataoff: 0xf00, datasize: 0x100 });

    const out = removeCodeSignature(buf);
    const macho = readMachO(out);
    expect(out.length).toBe(0xf00);
    expect(macho.signature).toBeUndefined();
    expect(macho.ncmds).toBe(2);
    expect(macho.sizeofcmds).toBe(144);
    expect(macho.segments.find((s) => s.name === '__LINKEDIT')).toMatchObject({ fileoff: 0x800, filesize: 0x700 });
    expect(linkeditCoversEnd(out)).toBe(true);
    expect(out.subarray(176, 192).every((b) => b === 0)).toBe(true);
    expect(removeCodeSignature(out)).toBe(out);
    expect(() => readMachO(Buffer.from('MZ not mach-o, long enough to have a header'))).toThrow(/not a 64-bit/);
  });
});
