import { AssetCreateSchema, AssetUpdateSchema, PolicyInputSchema } from '@stocktake/shared/api';
import { describe, expect, it } from 'vitest';
import { ASSET_FIELD_LABELS, ASSET_FORM_SECTIONS, assetRequest } from './pages/assets.tsx';
import { withoutEmpty } from './policy-editor.tsx';
import { inputKind, unwrapNullable } from './schema-form.tsx';

describe('the asset form', () => {
  it('places every writable field of the contract in a section, once', () => {
    const placed = ASSET_FORM_SECTIONS.flatMap((s) => s.fields);
    expect(new Set(placed).size).toBe(placed.length);
    expect([...placed].sort()).toEqual(Object.keys(ASSET_FIELD_LABELS).sort());
    // The status and its record are written by the status controls; the rest by the form.
    const elsewhere = ['status', 'statusNote', 'disposal', 'correction', 'unlockFields', 'force'];
    const writable = new Set([
      ...Object.keys(AssetCreateSchema.properties),
      ...Object.keys(AssetUpdateSchema.properties),
    ]);
    expect([...placed, ...elsewhere.filter((k) => writable.has(k))].sort()).toEqual([...writable].sort());
  });

  it('draws dates, money and lists with their own inputs', () => {
    const p = AssetCreateSchema.properties;
    expect(inputKind(p.purchaseDate)).toBe('date');
    expect(inputKind(p.purchaseCost)).toBe('number');
    expect(inputKind(p.warrantyMonths)).toBe('integer');
    expect(inputKind(p.status)).toBe('enum');
    expect(inputKind(p.macs)).toBe('list');
    expect(inputKind(p.notes)).toBe('textarea');
    expect(unwrapNullable(p.serial).nullable).toBe(true);
  });

  it('sends a new asset’s filled fields, and an asset’s changed fields with emptied ones as null', () => {
    expect(assetRequest({ assetTag: ' LAP-1 ', purchaseCost: 10.5, serial: undefined }, undefined)).toEqual({
      assetTag: 'LAP-1',
      purchaseCost: 10.5,
    });
    const initial = { assetTag: 'LAP-1', serial: 'S1', macs: ['aa'] };
    expect(assetRequest({ assetTag: 'LAP-1', serial: undefined, macs: ['aa', 'bb'] }, initial)).toEqual({
      serial: null,
      macs: ['aa', 'bb'],
    });
  });
});

describe('the policy editor', () => {
  it('leaves out empty fields and groups, and keeps a map emptied on purpose', () => {
    const doc = {
      ghostAfterDays: 45,
      staleAfterDays: undefined,
      shelfware: { minUnusedSeats: undefined },
      patch: {
        linux: { maxPendingSecurity: null, baselines: [{ osName: 'Ubuntu', minVersion: '22.04' }] },
        windows: {},
      },
      importStatusMap: {},
    };
    expect(withoutEmpty(doc, PolicyInputSchema)).toEqual({
      ghostAfterDays: 45,
      patch: { linux: { maxPendingSecurity: null, baselines: [{ osName: 'Ubuntu', minVersion: '22.04' }] } },
      importStatusMap: {},
    });
  });
});
