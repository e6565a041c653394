/** How the console writes values: dates, sizes, counts, and labels from the API's words. */

export const dash = '—';

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return dash;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().slice(0, 16).replace('T', ' ');
}

export function day(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 10) : dash;
}

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return dash;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u += 1;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}

export function count(n: number | null | undefined): string {
  return n === null || n === undefined ? dash : n.toLocaleString('en');
}

export function percent(share: number | null | undefined): string {
  return share === null || share === undefined ? dash : `${(share * 100).toFixed(1)}%`;
}

export function money(n: number | null | undefined): string {
  return n === null || n === undefined ? dash : n.toLocaleString('en', { maximumFractionDigits: 2 });
}

/** `in_stock` → `in stock`, `unpatched_device` → `unpatched device`. */
export function words(value: string | null | undefined): string {
  return value ? value.replaceAll('_', ' ') : dash;
}

/** How long ago, in words a person reads at a glance. */
export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return dash;
  const s = Math.round((now - new Date(iso).getTime()) / 1000);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} days ago`;
}
