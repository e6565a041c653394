import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom as random } from '@stocktake/shared/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { compareDpkgVersions } from '../../collector/src/domain/versions/dpkg.ts';
import { compareRpmVersions } from '../../collector/src/domain/versions/rpm.ts';

/**
 * Our dpkg and rpm orders against the real tools, on the versions of this machine's packages
 * (installed, and every version in apt's package lists) and on versions made from them to hit
 * the corners (`~`, `+b1`, letters, epochs, rpm's `^`). CI (Debian) has dpkg and installs rpm;
 * elsewhere a missing tool skips its half, and CI=true makes a missing tool a failure.
 */

const has = (command: string, args: string[]) => spawnSync(command, args, { stdio: 'ignore' }).status === 0;
const HAS_DPKG = has('dpkg', ['--version']);
const HAS_RPM = has('rpm', ['--version']);
const IN_CI = process.env.CI === 'true';

function sample<T>(items: readonly T[], n: number, next: () => number): T[] {
  const pool = [...items];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
  }
  return pool.slice(0, n);
}

function lines(command: string, args: string[]): string[] {
  try {
    return execFileSync(command, args, {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
  } catch {
    return [];
  }
}

/** The versions of the installed packages. */
const installedVersions = () => lines('dpkg-query', ['-W', `-f=\${Version}\n`]);

let known: string[] | undefined;

/** Every distinct version of this machine's packages: installed ones, and all in apt's lists (read once). */
function machineVersions(): string[] {
  if (known) return known;
  const installed = installedVersions();
  const available = lines('apt-cache', ['dumpavail'])
    .filter((l) => l.startsWith('Version:'))
    .map((l) => l.slice('Version:'.length).trim());
  known = [...new Set([...installed, ...available])].sort();
  return known;
}

/** Versions close to `v` that differ where the orders are subtle. */
function neighbours(v: string): string[] {
  return [
    `${v}~rc1`,
    `${v}~`,
    `${v}+b1`,
    `${v}a`,
    `${v}.0`,
    `${v}.1`,
    `1:${v.replace(/^\d+:/, '')}`,
    v.replace(/\d+(?=\D*$)/, (d) => String(Number(d) + 1)),
    v.replace(/\d+(?=\D*$)/, (d) => `0${d}`),
    v.replace(/\./, '~'),
    v.replace(/\./, '+'),
    v.replace(/(\d)$/, '$1z'),
  ];
}

const EDGE = [
  '1.0',
  '1.0a',
  '1.0.1',
  '1.0+',
  '1.0~',
  '1.0~~',
  '1.0~rc1',
  '1.0-1',
  '1.0-0',
  '1:1.0',
  '0:1.0',
  '1.0a0',
  '1.00',
  '1.0+b1',
  '1.0+dfsg',
  '1.0.0',
  '1.0-1~bpo12+1',
  '1.0-1+deb12u1',
  '3.0.13-0ubuntu3.4',
  '3.0.14',
  '3.0.13-1~deb12u1',
  '2.36-9+deb12u14',
  '99999999999999999999',
  '100000000000000000000',
];

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const OPS = { '-1': 'lt', '0': 'eq', '1': 'gt' } as const;

/**
 * Asks dpkg whether each pair compares as we say: one `dpkg --compare-versions a OP b` per
 * pair, run by one shell per batch; the exit status (0 true, 1 false) says whether dpkg agrees.
 */
function dpkgDisagreements(pairs: readonly [string, string][]): string[] {
  const out: string[] = [];
  const BATCH = 500;
  for (let start = 0; start < pairs.length; start += BATCH) {
    const batch = pairs.slice(start, start + BATCH);
    const script = batch
      .map(([a, b]) => {
        const op = OPS[String(sign(compareDpkgVersions(a, b))) as keyof typeof OPS];
        return `dpkg --compare-versions ${quote(a)} ${op} ${quote(b)} 2>/dev/null; echo $?`;
      })
      .join('\n');
    const answers = execFileSync('sh', ['-s'], { input: script, encoding: 'utf8' }).trim().split('\n');
    batch.forEach(([a, b], i) => {
      if (answers[i] !== '0') {
        out.push(
          `${a} vs ${b}: we say ${OPS[String(sign(compareDpkgVersions(a, b))) as keyof typeof OPS]}, dpkg does not (${answers[i]})`,
        );
      }
    });
  }
  return out;
}

const counts: Record<string, number> = {};
afterAll(() => {
  // The figures the closing note quotes: how many pairs each tool settled.
  if (Object.keys(counts).length > 0) console.log(`version order vs the tools: ${JSON.stringify(counts)}`);
});

describe.skipIf(!HAS_DPKG && !IN_CI)('the dpkg order against dpkg --compare-versions', () => {
  const all = machineVersions();
  const next = random(0x5eed);

  it('agrees on every adjacent pair of the machine’s versions in our order, so on every pair of them', () => {
    // Sorted by our order, each neighbour compared by dpkg with the relation we claim (< or =):
    // dpkg's order being transitive, agreement on neighbours is agreement on all pairs of the list.
    const versions = [...new Set([...sample(all, 700, next), ...installedVersions(), ...EDGE])];
    const sorted = versions.sort(compareDpkgVersions);
    const pairs = sorted.slice(1).map((b, i) => [sorted[i] as string, b] as [string, string]);
    expect(dpkgDisagreements(pairs)).toEqual([]);
    counts.dpkgVersionsOrdered = sorted.length;
    counts.dpkgAdjacentPairsRun = pairs.length;
    counts.dpkgPairsImplied = (sorted.length * (sorted.length - 1)) / 2;
  }, 120_000);

  it('agrees on versions next to real ones', () => {
    // The edge cases are among the versions ordered above; these pairs differ where orders are subtle.
    const pairs = sample(all, 30, next).flatMap((v) => neighbours(v).map((n) => [v, n] as [string, string]));
    expect(dpkgDisagreements(pairs)).toEqual([]);
    counts.dpkgDirectPairsRun = pairs.length;
  }, 120_000);
});

/** A label rpm parses as one: at most an epoch, a version and a release, no stray colon or hyphen. */
const isRpmLabel = (v: string) => /^(\d+:)?[^:\s-]+(-[^:\s-]+)?$/.test(v);

describe.skipIf(!HAS_RPM && !IN_CI)('the rpm order against rpm’s own comparison', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stocktake-rpmvercmp-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** rpm.vercmp for each pair, in one rpm process (its Lua reads the pairs from a file). */
  function rpmVercmp(pairs: readonly [string, string][]): number[] {
    const file = join(dir, 'pairs.txt');
    writeFileSync(file, pairs.map(([a, b]) => `${a} ${b}\n`).join(''));
    const lua = `local out = {}; for line in io.lines(${JSON.stringify(file)}) do local a, b = line:match("^(%S+) (%S+)$"); out[#out + 1] = rpm.vercmp(a, b) end; print(table.concat(out, "\\n"))`;
    return execFileSync('rpm', ['--eval', `%{lua: ${lua}}`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
      .trim()
      .split('\n')
      .map(Number);
  }

  it('agrees with rpm on labels made from the machine’s versions, with ^ and ~ mixed in', () => {
    const next = random(0xc0ffee);
    const real = machineVersions().filter(isRpmLabel);
    const chosen = sample(real, 6000, next);
    const withCaret = chosen.slice(0, 1500).map((v) => v.replace(/\+/g, '^'));
    const labels = [
      ...new Set([...chosen, ...withCaret, ...EDGE.filter(isRpmLabel), '1.0^', '1.0^git1', '1.0~rc1^git1']),
    ];
    const sorted = [...labels].sort(compareRpmVersions);
    const adjacent = sorted.slice(1).map((b, i) => [sorted[i] as string, b] as [string, string]);
    const shuffled = sample(labels, labels.length, next);
    const randomPairs = shuffled.slice(1).map((b, i) => [shuffled[i] as string, b] as [string, string]);
    const near = sample(chosen, 400, next).flatMap((v) =>
      [...neighbours(v), v.replace(/\.(?=[^.]*$)/, '^'), `${v}.el9`, `${v}_1`]
        .filter(isRpmLabel)
        .map((n) => [v, n] as [string, string]),
    );
    const pairs = [...adjacent, ...randomPairs, ...near];
    const theirs = rpmVercmp(pairs);
    const disagreements = pairs
      .map(([a, b], i) => ({ a, b, ours: sign(compareRpmVersions(a, b)), theirs: theirs[i] }))
      .filter((p) => p.ours !== p.theirs);
    expect(disagreements).toEqual([]);
    counts.rpmPairsRun = pairs.length;
  }, 120_000);
});
