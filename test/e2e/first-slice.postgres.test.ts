import { testDatabases } from '../../collector/src/store/postgres/test-support/test-databases.test-support.ts';
import { firstSlice } from './scenarios/first-slice.ts';

// The same scenario as first-slice.test.ts, with the collector on a database of the run's throwaway PostgreSQL.
const databases = testDatabases();
firstSlice({ engine: 'postgres', database: () => databases.create() });
