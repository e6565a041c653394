import { execFileSync } from 'node:child_process';

function which(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes sure the Debian packages a benchmark compares against are installed: installs them
 * with apt when running as root, otherwise says exactly what to run.
 */
export function ensureDebianPackages(needs: { command: string; pkg: string }[]): void {
  const missing = needs.filter((n) => !which(n.command));
  if (missing.length === 0) return;
  const pkgs = [...new Set(missing.map((m) => m.pkg))];
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !which('apt-get')) {
    throw new Error(
      `missing ${missing.map((m) => m.command).join(', ')}: run \`sudo apt-get install -y ${pkgs.join(' ')}\``,
    );
  }
  process.stderr.write(`installing ${pkgs.join(' ')} with apt-get...\n`);
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', ...pkgs], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}
