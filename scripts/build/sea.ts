import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { SEA_FUSE } from './targets.ts';

const run = promisify(execFile);

type Inject = (
  file: string,
  resourceName: string,
  data: Buffer,
  options: { sentinelFuse: string; machoSegmentName?: string },
) => Promise<void>;

// postject ships CommonJS without type declarations.
const { inject } = createRequire(import.meta.url)('postject') as { inject: Inject };

export interface BlobOptions {
  /** A Node binary of exactly the version the blob will be injected into. */
  generator: string;
  bundle: string;
  output: string;
  workDir: string;
  /** V8 code cache: faster start, but only valid on the generator's own platform and not reproducible. */
  useCodeCache: boolean;
  assets?: Record<string, string>;
}

/** `node --experimental-sea-config`: turns the bundle (and assets) into the blob to inject. */
export async function makeSeaBlob(options: BlobOptions): Promise<void> {
  const configPath = join(options.workDir, `sea-config-${Date.now()}.json`);
  // The blob records the main script's path as written here: relative to the work directory,
  // so the same sources give the same bytes on every machine.
  const config = {
    main: relative(options.workDir, options.bundle),
    output: relative(options.workDir, options.output),
    disableExperimentalSEAWarning: true,
    useSnapshot: false,
    useCodeCache: options.useCodeCache,
    ...(options.assets ? { assets: options.assets } : {}),
  };
  await writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`);
  await run(options.generator, ['--experimental-sea-config', configPath], { cwd: options.workDir });
}

/**
 * postject: writes the blob into the executable (ELF note, PE resource or Mach-O segment) and
 * flips the fuse so Node starts the embedded script instead of its own CLI. Its LIEF build
 * prints "Can't find string offset for section name" for every ELF note: harmless, filtered.
 */
export async function injectBlob(executable: string, blob: string, macho: boolean): Promise<string[]> {
  const data = await readFile(blob);
  const messages: string[] = [];
  const original = { log: console.log, warn: console.warn, error: console.error };
  const capture = (...args: unknown[]) => {
    const line = args.map(String).join(' ');
    if (!/Can't find string offset for section name/.test(line)) messages.push(line);
  };
  console.log = capture;
  console.warn = capture;
  console.error = capture;
  try {
    await inject(executable, 'NODE_SEA_BLOB', data, {
      sentinelFuse: SEA_FUSE,
      ...(macho ? { machoSegmentName: 'NODE_SEA' } : {}),
    });
  } finally {
    Object.assign(console, original);
  }
  return messages;
}
