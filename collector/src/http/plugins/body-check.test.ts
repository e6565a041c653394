import { SnapshotDeltaSchema, SnapshotSchema } from '@stocktake/shared';
import { dpkgItem, makeSnapshot } from '@stocktake/shared/testing';
import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { checkBody, listIssues, oversizedArray } from './body-check.ts';

const software = (n: number) => Array.from({ length: n }, (_, i) => dpkgItem(`pkg-${i}`, '1.0'));

describe('oversizedArray', () => {
  it('finds an array longer than its maxItems, by its path', () => {
    const snapshot = makeSnapshot({ software: software(50_001) });
    expect(oversizedArray(SnapshotSchema, snapshot)).toMatchObject({
      keyword: 'maxItems',
      instancePath: '/sections/software/data',
      message: 'must not have more than 50000 items (has 50001)',
    });
    expect(oversizedArray(SnapshotSchema, makeSnapshot({ software: software(50_000) }))).toBeUndefined();
  });

  it('looks inside elements whose schema holds arrays (addresses of one network interface)', () => {
    const ipv4 = Array.from({ length: 65 }, (_, i) => `10.0.0.${i}`);
    const snapshot = makeSnapshot({
      hardware: { nics: [{ name: 'eth0' }, { name: 'eth1', ipv4 }] },
    });
    expect(oversizedArray(SnapshotSchema, snapshot)?.instancePath).toBe('/sections/hardware/data/nics/1/ipv4');
  });

  it('in a union, follows the variant the discriminator names', () => {
    const full = makeSnapshot({ software: software(3) });
    const delta = {
      ...full,
      kind: 'delta',
      baseSnapshotId: full.snapshotId,
      sections: {
        ...full.sections,
        software: { ...full.sections.software, change: 'replaced', data: software(50_001) },
      },
    };
    expect(oversizedArray(SnapshotDeltaSchema, delta)?.instancePath).toBe('/sections/software/data');
  });
});

describe('listIssues', () => {
  it('names the failing elements by their index in the body, not in the thinned copy', () => {
    const items: unknown[] = software(2_000);
    items[737] = { source: 'dpkg' };
    items[1999] = { ...dpkgItem('x', '1'), extra: true };
    const snapshot = { ...makeSnapshot(), sections: { ...makeSnapshot().sections } };
    snapshot.sections.software = { ...snapshot.sections.software, data: items as never };
    const paths = listIssues(SnapshotSchema, snapshot).map((e) => e.instancePath);
    expect(paths).toContain('/sections/software/data/737');
    expect(paths).toContain('/sections/software/data/1999');
    expect(paths.every((p) => p === '' || /\/(737|1999)$/.test(p) || p.startsWith('/sections/software/data/'))).toBe(
      true,
    );
  });

  it('reports the same faults as the full walk on a small body', () => {
    const snapshot = makeSnapshot({ software: software(3) }) as unknown as Record<string, unknown>;
    delete snapshot.collectedAt;
    snapshot.unknown = 1;
    const full = Compile(SnapshotSchema).Errors(snapshot);
    expect(listIssues(SnapshotSchema, snapshot).map((e) => [e.instancePath, e.keyword])).toEqual(
      full.map((e) => [e.instancePath, e.keyword]),
    );
  });
});

describe('checkBody', () => {
  it('refuses a too-long array of invalid elements with the length alone', () => {
    const items = Array.from({ length: 60_000 }, () => ({ bogus: true }));
    const snapshot = { ...makeSnapshot(), sections: { ...makeSnapshot().sections } };
    snapshot.sections.software = { ...snapshot.sections.software, data: items as never };
    const issues = checkBody(SnapshotSchema, Compile(SnapshotSchema), snapshot);
    expect(issues).toEqual([expect.objectContaining({ keyword: 'maxItems', instancePath: '/sections/software/data' })]);
  });

  it('passes a valid body', () => {
    expect(
      checkBody(SnapshotSchema, Compile(SnapshotSchema), makeSnapshot({ software: software(10) })),
    ).toBeUndefined();
  });
});
