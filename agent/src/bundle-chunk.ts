import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { getAsset, isSea } from 'node:sea';
import { compileFunction } from 'node:vm';

/**
 * Loads a CommonJS chunk the build wrote beside the main bundle: from the executable's assets
 * in a single executable, else from the file beside `mainFile`. `require` is the main
 * bundle's own, so the chunk sees the same modules (a single executable's require loads Node's
 * built-in modules only) and loads nothing from the disk that the main bundle would not.
 */
export function loadBundleChunk(name: string, mainFile: string, require: NodeJS.Require): unknown {
  const sea = isSea();
  const file = join(dirname(sea ? process.execPath : mainFile), name);
  const source = sea ? getAsset(name, 'utf8') : readFileSync(file, 'utf8');
  const module: { exports: unknown } = { exports: {} };
  const wrapper = compileFunction(source, ['exports', 'require', 'module', '__filename', '__dirname'], {
    filename: file,
  });
  wrapper(module.exports, require, module, file, dirname(file));
  return module.exports;
}
