import { describe, expect, it } from 'vitest';
import { ASSETS } from '../../collector/cli/src/commands/assets-list.ts';
import { DEVICES } from '../../collector/cli/src/commands/devices-list.ts';
import { FINDINGS } from '../../collector/cli/src/commands/findings-list.ts';
import { LICENSES } from '../../collector/cli/src/commands/licenses-list.ts';
import { CATALOGUE } from '../../collector/cli/src/commands/software-list.ts';
import { WHO_HAS } from '../../collector/cli/src/commands/software-who-has.ts';
import type { ListResource } from '../../collector/cli/src/list-resource.ts';
import { createAssetList } from '../../collector/src/store/sqlite/assets/asset-list.ts';
import { createDeviceList } from '../../collector/src/store/sqlite/devices/device-list.ts';
import { createFindingList } from '../../collector/src/store/sqlite/findings/finding-list.ts';
import { createLicenseList } from '../../collector/src/store/sqlite/licenses/license-list.ts';
import { createSoftwareList } from '../../collector/src/store/sqlite/software/software-list.ts';

// Building a list spec touches no database; the specs only describe sorts and filters here.
const db = undefined as never;

/** What the collector's list accepts: its sort fields, default sort and filter names. */
interface Accepts {
  sorts: Record<string, unknown>;
  defaultSort: string;
  filters: Record<string, unknown>;
}

const cases: [string, ListResource, Accepts, string[]][] = [
  ['devices list', DEVICES, createDeviceList(db), []],
  ['assets list', ASSETS, createAssetList(db), []],
  ['licenses list', LICENSES, createLicenseList(db), []],
  ['findings list', FINDINGS, createFindingList(db, db), ['subjectKind', 'subjectId']],
  ['software list', CATALOGUE, createSoftwareList(db, { function() {} } as never), []],
  // who-has: the device list, plus its own software parameters (name is its argument).
  [
    'software who-has',
    WHO_HAS,
    (() => {
      const devices = createDeviceList(db);
      const own = ['publisher', 'source', 'version', 'versionLt', 'versionLte', 'versionGt', 'versionGte'];
      return { ...devices, filters: { ...devices.filters, ...Object.fromEntries(own.map((k) => [k, true])) } };
    })(),
    [],
  ],
];

describe('list commands and the collector lists they call', () => {
  it.each(cases)('%s offers exactly the sorts and filters the route accepts', (_name, resource, spec, rawOnly) => {
    expect([...resource.sorts].sort()).toEqual(Object.keys(spec.sorts).sort());
    expect(resource.defaultSort).toBe(spec.defaultSort);
    const params = [...new Set(resource.filters.map((f) => f.param))].sort();
    // Filters left to --filter NAME=VALUE are named here on purpose.
    expect([...params, ...rawOnly].sort()).toEqual(Object.keys(spec.filters).sort());
  });
});
