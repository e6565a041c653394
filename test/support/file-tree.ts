import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Every path under root with its type, permission bits and bytes: "the system as it was". */
export function snapshotTree(root: string): Record<string, string> {
  const tree: Record<string, string> = {};
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const key = `${rel}/${name}`;
      const st = statSync(path);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isDirectory()) {
        tree[key] = `dir ${mode}`;
        walk(path, key);
      } else {
        tree[key] = `file ${mode} ${readFileSync(path).toString('base64')}`;
      }
    }
  };
  walk(root, '');
  return tree;
}

/** Writes a file under root (parents made as needed) with this mode. */
export function put(root: string, path: string, content: string, mode = 0o644): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
  chmodSync(join(root, path), mode);
}
