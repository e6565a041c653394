/**
 * Agent footprint: a full inventory's wall time, CPU time (user + sys, children included) and
 * peak RSS, median of several runs, side by side with fusioninventory-inventory and
 * ocsinventory-agent --local run in the same benchmark, plus what each one found.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Snapshot } from '@stocktake/shared';
import { buildAgentBundle } from './lib/build-agent-bundle.ts';
import { hasGnuTime, measureOnce, type Sample, type Summary, summarise } from './lib/measure.ts';
import { ensureDebianPackages } from './lib/peers.ts';
import { machineLine, ROOT, table } from './lib/report.ts';

/** The executable endpoints install, built by the project's own build script. */
function buildExecutable(): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return undefined;
  try {
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
        join(ROOT, 'scripts', 'build-agent.ts'),
        '--targets',
        'linux-x64',
      ],
      {
        cwd: ROOT,
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
  } catch (err) {
    process.stderr.write(`single executable not built (${(err as Error).message}); measuring the bundle only\n`);
    return undefined;
  }
  const file = join(ROOT, 'dist', 'agent', 'stocktake-agent-linux-x64');
  return existsSync(file) ? file : undefined;
}

/**
 * The executable as an endpoint has it: copied the way `service install` installs it
 * (copyFile). Same bytes as the build output, but the build output was written by one
 * ~100 MB write(), which leaves it in the page cache as large folios; each page fault then
 * maps a whole folio into the process, and peak RSS counts every page of it. A copy, a
 * download or the file read back from disk after a reboot is cached in small pieces.
 */
function installedCopy(built: string, dir: string): string {
  const file = join(dir, 'stocktake-agent');
  copyFileSync(built, file);
  return file;
}

export interface FootprintOptions {
  runs: number;
}

interface Contender {
  name: string;
  summary: Summary;
  software: number;
  facts: Set<string>;
}

const FACTS = [
  'system vendor',
  'system model',
  'system serial',
  'system uuid',
  'bios version',
  'cpu model',
  'cpu cores',
  'cpu threads',
  'memory total',
  'memory modules',
  'disks',
  'disk serial',
  'nic mac',
  'ip addresses',
  'gpu',
  'battery',
  'monitor',
  'os name',
  'os version',
  'kernel',
  'last boot',
  'logged-in users',
] as const;

function ourFacts(s: Snapshot): Set<string> {
  const hw = s.sections.hardware.data;
  const os = s.sections.os.data;
  const f = new Set<string>();
  const add = (fact: string, present: unknown) => {
    if (
      present !== undefined &&
      present !== null &&
      present !== false &&
      !(Array.isArray(present) && present.length === 0)
    )
      f.add(fact);
  };
  add('system vendor', hw?.system.vendor);
  add('system model', hw?.system.model);
  add('system serial', hw?.system.serial);
  add('system uuid', hw?.system.uuid);
  add('bios version', hw?.bios?.version);
  add('cpu model', hw?.cpu?.model);
  add('cpu cores', hw?.cpu?.cores);
  add('cpu threads', hw?.cpu?.threads);
  add('memory total', hw?.memory?.totalBytes);
  add('memory modules', hw?.memory?.modules);
  add('disks', hw?.disks);
  add(
    'disk serial',
    hw?.disks?.find((d) => d.serial),
  );
  add(
    'nic mac',
    hw?.nics?.find((n) => n.mac && !n.virtual),
  );
  add(
    'ip addresses',
    hw?.nics?.find((n) => n.ipv4?.length || n.ipv6?.length),
  );
  add('gpu', hw?.gpus);
  add('battery', hw?.batteries);
  add('monitor', hw?.monitors);
  add('os name', os?.name);
  add('os version', os?.version);
  add('kernel', os?.kernel);
  add('last boot', os?.lastBoot);
  add('logged-in users', s.sections.users.data?.loggedIn);
  return f;
}

/** Text of every `<TAG>` element inside each `<SECTION>` block of a GLPI/OCS inventory XML. */
function xmlValues(xml: string, section: string, tag: string): string[] {
  const out: string[] = [];
  for (const block of xml.matchAll(new RegExp(`<${section}>([\\s\\S]*?)</${section}>`, 'g'))) {
    for (const m of (block[1] ?? '').matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))) {
      const v = (m[1] ?? '').trim();
      if (v) out.push(v);
    }
  }
  return out;
}

/** The same facts as GLPI-format XML (fusioninventory and OCS share the schema) fills them. */
function xmlFacts(xml: string): Set<string> {
  const f = new Set<string>();
  const has = (fact: string, section: string, tag: string, ok: (v: string) => boolean = () => true) => {
    if (xmlValues(xml, section, tag).some(ok)) f.add(fact);
  };
  has('system vendor', 'BIOS', 'SMANUFACTURER');
  has('system model', 'BIOS', 'SMODEL');
  has('system serial', 'BIOS', 'SSN');
  has('system uuid', 'HARDWARE', 'UUID');
  has('bios version', 'BIOS', 'BVERSION');
  has('cpu model', 'CPUS', 'NAME');
  has('cpu cores', 'CPUS', 'CORE');
  has('cpu threads', 'CPUS', 'THREAD');
  has('memory total', 'HARDWARE', 'MEMORY');
  has('memory modules', 'MEMORIES', 'CAPACITY', (v) => Number(v) > 0);
  has('disks', 'STORAGES', 'DISKSIZE');
  has('disk serial', 'STORAGES', 'SERIALNUMBER');
  has('nic mac', 'NETWORKS', 'MACADDR', (v) => v !== '00:00:00:00:00:00');
  has('ip addresses', 'NETWORKS', 'IPADDRESS', (v) => v !== '127.0.0.1');
  has('gpu', 'VIDEOS', 'NAME');
  has('battery', 'BATTERIES', 'NAME');
  has('monitor', 'MONITORS', 'CAPTION');
  has('os name', 'OPERATINGSYSTEM', 'NAME');
  if (!f.has('os name')) has('os name', 'HARDWARE', 'OSNAME');
  has('os version', 'OPERATINGSYSTEM', 'VERSION');
  has('kernel', 'OPERATINGSYSTEM', 'KERNEL_VERSION');
  if (!f.has('kernel')) has('kernel', 'HARDWARE', 'OSVERSION');
  has('last boot', 'OPERATINGSYSTEM', 'BOOT_TIME');
  has('logged-in users', 'USERS', 'LOGIN');
  return f;
}

async function repeat(runs: number, once: () => Promise<Sample>): Promise<Sample[]> {
  await once(); // warm the page cache so the first measured run is not an outlier
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) samples.push(await once());
  return samples;
}

export async function agentFootprint(options: FootprintOptions): Promise<string> {
  ensureDebianPackages([
    { command: '/usr/bin/time', pkg: 'time' },
    { command: 'fusioninventory-inventory', pkg: 'fusioninventory-agent' },
    { command: 'ocsinventory-agent', pkg: 'ocsinventory-agent' },
    { command: 'dmidecode', pkg: 'dmidecode' },
  ]);
  if (!hasGnuTime()) throw new Error('GNU time (/usr/bin/time) is required');
  const bundle = await buildAgentBundle();
  const work = mkdtempSync(join(tmpdir(), 'stocktake-footprint-'));
  const env = { ...process.env, STOCKTAKE_LOG_LEVEL: 'silent' };
  try {
    // Cold: an empty state directory, so pending updates are computed from scratch.
    let coldIndex = 0;
    const cold = await repeat(options.runs, () =>
      measureOnce(process.execPath, [bundle, 'inventory', '--state-dir', join(work, `cold-${coldIndex++}`)], { env }),
    );
    // Warm: what the agent pays on every scheduled run once its caches exist.
    const warmState = join(work, 'warm');
    const warm = await repeat(options.runs, () =>
      measureOnce(process.execPath, [bundle, 'inventory', '--state-dir', warmState], { env }),
    );
    const built = buildExecutable();
    const executable = built ? installedCopy(built, work) : undefined;
    const exeState = join(work, 'exe');
    const exe = executable
      ? await repeat(options.runs, () => measureOnce(executable, ['inventory', '--state-dir', exeState], { env }))
      : undefined;
    // The same bytes run straight from the build output, for the page-cache note below.
    const exeBuildOutput = built
      ? summarise(await repeat(options.runs, () => measureOnce(built, ['inventory', '--state-dir', exeState], { env })))
      : undefined;
    // Floors: what the runtime costs before the agent does anything.
    const nodeFloor = summarise(await repeat(options.runs, () => measureOnce(process.execPath, ['-e', '0'])));
    const exeFloor = executable
      ? summarise(await repeat(options.runs, () => measureOnce(executable, ['version'])))
      : undefined;
    const snapshotFile = join(work, 'snapshot.json');
    await measureOnce(
      'sh',
      ['-c', `"${process.execPath}" "${bundle}" inventory --state-dir "${warmState}" > "${snapshotFile}"`],
      { env },
    );
    const snapshot = JSON.parse(readFileSync(snapshotFile, 'utf8')) as Snapshot;

    const fusionXml = join(work, 'fusion.xml');
    const fusion = await repeat(options.runs, () =>
      measureOnce('sh', ['-c', `fusioninventory-inventory > "${fusionXml}"`]),
    );
    const fusionText = readFileSync(fusionXml, 'utf8');

    const ocsDir = join(work, 'ocs');
    const ocs = await repeat(options.runs, () => {
      rmSync(ocsDir, { recursive: true, force: true });
      return measureOnce('sh', ['-c', `mkdir -p "${ocsDir}" && ocsinventory-agent --local="${ocsDir}"`]);
    });
    const ocsFile = readdirSync(ocsDir).find((f) => f.endsWith('.ocs'));
    const ocsText = ocsFile ? readFileSync(join(ocsDir, ocsFile), 'utf8') : '';

    const contenders: Contender[] = [
      ...(exe
        ? [
            {
              name: 'stocktake-agent executable, installed (warm)',
              summary: summarise(exe),
              software: snapshot.sections.software.data?.length ?? 0,
              facts: ourFacts(snapshot),
            },
          ]
        : []),
      {
        name: 'stocktake-agent bundle on this Node (warm)',
        summary: summarise(warm),
        software: snapshot.sections.software.data?.length ?? 0,
        facts: ourFacts(snapshot),
      },
      {
        name: 'stocktake-agent bundle on this Node (cold)',
        summary: summarise(cold),
        software: snapshot.sections.software.data?.length ?? 0,
        facts: ourFacts(snapshot),
      },
      {
        name: 'fusioninventory-inventory',
        summary: summarise(fusion),
        software: xmlValues(fusionText, 'SOFTWARES', 'NAME').length,
        facts: xmlFacts(fusionText),
      },
      {
        name: 'ocsinventory-agent --local',
        summary: summarise(ocs),
        software: xmlValues(ocsText, 'SOFTWARES', 'NAME').length,
        facts: xmlFacts(ocsText),
      },
    ];
    const floors = [
      `Node.js ${process.version} running nothing: ${nodeFloor.peakRssMb.toFixed(1)} MB, ${nodeFloor.cpuS.toFixed(3)} s CPU`,
      ...(exeFloor
        ? [
            `the executable printing its version: ${exeFloor.peakRssMb.toFixed(1)} MB, ${exeFloor.cpuS.toFixed(3)} s CPU`,
          ]
        : []),
    ];
    const pageCacheNote =
      exe && exeBuildOutput
        ? `The executable is measured as installed: copied the way \`service install\` copies it (copyFile). Run straight from the build output, the same bytes peak at ${exeBuildOutput.peakRssMb.toFixed(1)} MB (${summarise(exe).peakRssMb.toFixed(1)} MB installed): the build writes the file with one ~100 MB \`write()\`, which leaves it in the page cache as large folios, each page fault maps a whole folio, and peak RSS counts all of it (\`/proc/<pid>/smaps\` on 2026-11-22: 50 MB of the executable's file-backed pages straight from the build output against 36 MB for the installed copy, anonymous memory the same 16 MB). A copy, a download or the file read back from disk after a reboot is cached in small pieces, so endpoints see the installed figure. Those pages are read-only and shared with the page cache either way.`
        : '';
    return render(contenders, options, bundle, exe !== undefined, floors, pageCacheNote);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function render(
  c: Contender[],
  options: FootprintOptions,
  bundle: string,
  withExecutable: boolean,
  floors: string[],
  pageCacheNote: string,
): string {
  const ours = withExecutable ? c.slice(0, 3) : c.slice(0, 2);
  const [fusion, ocs] = c.slice(ours.length) as [Contender, Contender];
  // Targets are judged on what endpoints run: the single executable when it could be built.
  const warm = ours[0] as Contender;
  const cold = ours[ours.length - 1] as Contender;
  const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');
  const rows = c.map((x) => [
    x.name,
    x.summary.wallS.toFixed(3),
    x.summary.cpuS.toFixed(3),
    x.summary.peakRssMb.toFixed(1),
    x.software,
    ratio(x.summary.cpuS, fusion.summary.cpuS),
  ]);
  const missing = (peer: Contender) => [...peer.facts].filter((f) => !warm.facts.has(f));
  const cpuTarget = warm.summary.cpuS <= fusion.summary.cpuS / 3;
  const rssTarget = warm.summary.peakRssMb < 60;
  const softwareTarget = warm.software >= Math.max(fusion.software, ocs.software);
  const factsTarget = missing(fusion).length === 0 && missing(ocs).length === 0;
  const mark = (ok: boolean) => (ok ? 'met' : '**not met**');
  const factRows = FACTS.map((f) => [
    f,
    warm.facts.has(f) ? '✓' : '—',
    fusion.facts.has(f) ? '✓' : '—',
    ocs.facts.has(f) ? '✓' : '—',
  ]);
  return `## Agent footprint (full inventory)

Machine: ${machineLine()}. Median of ${options.runs} runs after one warm-up, measured with GNU time (user + sys of the process and every child it waited for; peak RSS of the largest process). ${withExecutable ? 'The first row is the single executable endpoints install (`pnpm build:agent`, Node.js 22 inside, copied as `service install` copies it); the next rows run the same bundle' : 'The agent runs as the bundle that goes into the single executable'} (\`${bundle.split('/').slice(-2).join('/')}\` and the chunk beside it that only \`run\`, \`status\` and \`service\` load; esbuild, minified, this platform only)${withExecutable ? ' on the Node.js that runs this benchmark' : ''}. *Cold*: empty state directory, so pending updates are computed by \`apt-get -s dist-upgrade\`; *warm*: the state a scheduled run has, where that answer is reused until the package database, apt lists or apt configuration change.

${table(['agent', 'wall s', 'CPU s', 'peak RSS MB', 'software items', 'CPU vs fusioninventory'], rows)}

Targets:
- CPU at most 1/3 of fusioninventory's: ${mark(cpuTarget)} (warm ${ratio(warm.summary.cpuS, fusion.summary.cpuS)}, cold ${ratio(cold.summary.cpuS, fusion.summary.cpuS)}; OCS ${ratio(ocs.summary.cpuS, fusion.summary.cpuS)}).
- Peak RSS under 60 MB: ${mark(rssTarget)} (${ours.map((o) => `${o.name}: ${o.summary.peakRssMb.toFixed(1)} MB`).join('; ')}).
- At least the peers' software count: ${mark(softwareTarget)} (${warm.software} vs ${fusion.software} and ${ocs.software}).
- No hardware field a peer fills that we leave empty: ${mark(factsTarget)}${factsTarget ? '' : ` (missing: ${[...new Set([...missing(fusion), ...missing(ocs)])].join(', ')})`}.

Neither peer reports pending or security updates; the cold run's extra cost is that work.

Where the agent's memory goes, measured in the same run: ${floors.join('; ')}. The rest is the bundle's code and the inventory's data (the package database text, the item list, its canonical form for hashing, and the JSON output).

What keeps the peak down: \`inventory\` and \`once\` load only the main bundle (no TypeBox, websocket client, scheduler or service installers, and no undici, which only a CA bundle or a proxy needs: those are in the chunk), the agent uses \`@stocktake/shared/core\` (hashing and deltas without the TypeBox schemas), and V8's optimising compiler is off (\`--no-opt\` in agent/src/main.ts), which for a run this short costs no CPU and saved ~7 MB. ${pageCacheNote} The agent's own share of the peak is the difference between its row and the floors above.

What each one filled on this machine:

${table(['fact', 'stocktake', 'fusioninventory', 'ocs'], factRows)}
`;
}
