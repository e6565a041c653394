import { canonicalJson, type Hardware } from '@stocktake/shared';
import type { ComponentKind } from '@stocktake/shared/api';
import { macKey } from '../matching/identifiers.ts';
import type { ChangeDraft } from './device-changes.ts';

/** One hardware component as stored: identified within its kind by `key`. */
export interface Component {
  kind: ComponentKind;
  key: string;
  label: string | null;
  serial: string | null;
  vendor: string | null;
  model: string | null;
  sizeBytes: number | null;
  fingerprint: string;
}

interface Draft {
  /** Identity in order of trust: a serial, else a slot/name, else make and model. */
  serial?: string | undefined;
  label?: string | undefined;
  vendor?: string | undefined;
  model?: string | undefined;
  sizeBytes?: number | undefined;
  /** The attributes whose change means a different part, beyond those above. */
  extra?: Record<string, unknown>;
}

function baseKey(d: Draft): string {
  if (d.serial) return `serial:${d.serial}`;
  if (d.label) return `name:${d.label}`;
  return `model:${d.vendor ?? ''}|${d.model ?? ''}`;
}

function build(kind: ComponentKind, drafts: Draft[]): Component[] {
  const seen = new Map<string, number>();
  return drafts.map((d) => {
    // Two parts with the same key in one snapshot (two identical GPUs, a serial two DIMMs
    // share) stay distinct by their order of appearance.
    let key = baseKey(d);
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    if (n > 1) key = `${key}#${n}`;
    return {
      kind,
      key,
      label: d.label ?? null,
      serial: d.serial ?? null,
      vendor: d.vendor ?? null,
      model: d.model ?? null,
      sizeBytes: d.sizeBytes ?? null,
      fingerprint: canonicalJson({
        label: d.label,
        serial: d.serial,
        vendor: d.vendor,
        model: d.model,
        sizeBytes: d.sizeBytes,
        ...d.extra,
      }),
    };
  });
}

/**
 * The components of a hardware section, in canonical order. Virtual network interfaces
 * (bridges, veth, tun) come and go with containers and VPNs: they are not hardware.
 */
export function componentsOf(hw: Hardware): Component[] {
  const memory = build(
    'memory',
    (hw.memory?.modules ?? []).map((m) => ({
      serial: m.serial,
      label: m.slot,
      vendor: m.manufacturer,
      model: m.partNumber,
      sizeBytes: m.sizeBytes,
      extra: { type: m.type },
    })),
  );
  const disks = build(
    'disk',
    (hw.disks ?? []).map((d) => ({
      serial: d.serial,
      label: d.name,
      vendor: d.vendor,
      model: d.model,
      sizeBytes: d.sizeBytes,
    })),
  );
  const nics = build(
    'nic',
    (hw.nics ?? [])
      .filter((n) => n.virtual !== true)
      .flatMap((n) => {
        const mac = macKey(n.mac);
        // Keyed by MAC: the name of an interface can change (eth0 → enp0s31f6) while the card does not.
        return mac ? [{ serial: mac, label: n.name }] : [];
      }),
  );
  const gpus = build(
    'gpu',
    (hw.gpus ?? []).map((g) => ({ vendor: g.vendor, model: g.model, extra: { vramBytes: g.vramBytes } })),
  );
  const batteries = build(
    'battery',
    (hw.batteries ?? []).map((b) => ({
      serial: b.serial,
      vendor: b.manufacturer,
      model: b.model,
      extra: { designCapacityWh: b.designCapacityWh },
    })),
  );
  const monitors = build(
    'monitor',
    (hw.monitors ?? []).map((m) => ({ serial: m.serial, vendor: m.vendor, model: m.model })),
  );
  return [...memory, ...disks, ...nics, ...gpus, ...batteries, ...monitors];
}

export interface ComponentDiff {
  added: Component[];
  removed: Component[];
}

/** Components gone and come: a key that disappeared, appeared, or whose fingerprint changed (a swap). */
export function diffComponents(before: readonly Component[], after: readonly Component[]): ComponentDiff {
  const id = (c: Component) => `${c.kind}\u0000${c.key}`;
  const old = new Map(before.map((c) => [id(c), c]));
  const now = new Map(after.map((c) => [id(c), c]));
  const added: Component[] = [];
  const removed: Component[] = [];
  for (const [k, c] of old) {
    const next = now.get(k);
    if (!next || next.fingerprint !== c.fingerprint) removed.push(c);
  }
  for (const [k, c] of now) {
    const prev = old.get(k);
    if (!prev || prev.fingerprint !== c.fingerprint) added.push(c);
  }
  return { added, removed };
}

/** A component as a change-history value: only what it reported. */
export function componentValue(c: Component): Record<string, string | number> {
  const out: Record<string, string | number> = { kind: c.kind, key: c.key };
  if (c.label !== null) out.label = c.label;
  if (c.serial !== null) out.serial = c.serial;
  if (c.vendor !== null) out.vendor = c.vendor;
  if (c.model !== null) out.model = c.model;
  if (c.sizeBytes !== null) out.sizeBytes = c.sizeBytes;
  return out;
}

/** "memory DIMM 1", "disk nvme0n1", "nic 3c:22:fb:7a:19:c4": what a person reads in a change list. */
export function componentSubject(c: Component): string {
  const what = c.label ?? c.serial ?? ([c.vendor, c.model].filter(Boolean).join(' ') || c.key);
  return c.kind === 'nic' && c.serial ? `nic ${c.serial}` : `${c.kind} ${what}`;
}

/** Components gone and come as history lines; none on a baseline (the first hardware section known). */
export function componentDrafts(diff: ComponentDiff, baseline: boolean): ChangeDraft[] {
  if (baseline) return [];
  return [
    ...diff.removed.map((c) => ({
      kind: 'hardware_removed' as const,
      subject: componentSubject(c),
      before: componentValue(c),
    })),
    ...diff.added.map((c) => ({
      kind: 'hardware_added' as const,
      subject: componentSubject(c),
      after: componentValue(c),
    })),
  ];
}
