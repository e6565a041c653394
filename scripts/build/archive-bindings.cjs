'use strict';
/**
 * Stands in for the `bindings` package inside the collector's release bundle. better-sqlite3
 * asks `bindings('better_sqlite3.node')` for its compiled addon, which bindings would look for
 * under node_modules; the release archive has no node_modules, and keeps one build of the addon
 * per Node.js ABI in `lib/native/node-v<ABI>/`, beside the bundle. This loads the one for the
 * Node.js running, or says in one line which Node.js versions the archive can run on.
 *
 * Two names come from the bundle: `__stocktake_lib_dir` (its banner: the folder of the bundle)
 * and `STOCKTAKE_NATIVE_RUNTIMES` (esbuild `define`: ABI -> Node.js version, for the message).
 */
const { existsSync } = require('node:fs');
const { join } = require('node:path');

module.exports = function bindings(name) {
  const file = join(__stocktake_lib_dir, 'native', `node-v${process.versions.modules}`, name);
  if (!existsSync(file)) {
    const versions = Object.values(STOCKTAKE_NATIVE_RUNTIMES).join(' or ');
    throw new Error(
      `this Stocktake archive runs on Node.js ${versions}, not ${process.version}: its SQLite addon is compiled for those (put one of them first on PATH)`,
    );
  }
  return require(file);
};
