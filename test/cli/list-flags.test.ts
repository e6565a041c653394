import {
  ASSET_LIST,
  DEVICE_LIST,
  FINDING_LIST,
  LICENSE_LIST,
  type ListDeclaration,
  SOFTWARE_LIST,
  WHO_HAS_SOFTWARE,
} from '@stocktake/shared/api';
import { describe, expect, it } from 'vitest';
import { ASSETS } from '../../collector/cli/src/commands/assets-list.ts';
import { DEVICES } from '../../collector/cli/src/commands/devices-list.ts';
import { FINDINGS } from '../../collector/cli/src/commands/findings-list.ts';
import { LICENSES } from '../../collector/cli/src/commands/licenses-list.ts';
import { CATALOGUE } from '../../collector/cli/src/commands/software-list.ts';
import { WHO_HAS } from '../../collector/cli/src/commands/software-who-has.ts';
import type { ListResource } from '../../collector/cli/src/list-resource.ts';

/** What the collector's list accepts (as the API declares it): its sort fields, default sort and filter names. */
type Accepts = Pick<ListDeclaration, 'sorts' | 'defaultSort' | 'filters'>;

const cases: [string, ListResource, Accepts, string[]][] = [
  ['devices list', DEVICES, DEVICE_LIST, []],
  ['assets list', ASSETS, ASSET_LIST, []],
  ['licenses list', LICENSES, LICENSE_LIST, []],
  ['findings list', FINDINGS, FINDING_LIST, ['subjectKind', 'subjectId']],
  ['software list', CATALOGUE, SOFTWARE_LIST, []],
  // who-has: the device list, plus its own software parameters (name is its argument).
  [
    'software who-has',
    WHO_HAS,
    (() => {
      const { name: _argument, ...own } = WHO_HAS_SOFTWARE;
      return { ...DEVICE_LIST, filters: { ...DEVICE_LIST.filters, ...own } };
    })(),
    [],
  ],
];

describe('list commands and the collector lists they call', () => {
  it.each(cases)('%s offers exactly the sorts and filters the route accepts', (_name, resource, spec, rawOnly) => {
    expect([...resource.sorts].sort()).toEqual([...spec.sorts].sort());
    expect(resource.defaultSort).toBe(spec.defaultSort);
    const params = [...new Set(resource.filters.map((f) => f.param))].sort();
    // Filters left to --filter NAME=VALUE are named here on purpose.
    expect([...params, ...rawOnly].sort()).toEqual(Object.keys(spec.filters).sort());
  });
});
