import type { AssetImportOutcome } from './assets.ts';
import type { LicenseImportOutcome } from './licenses.ts';

/** What a CSV import did, or with dryRun would do: of assets or of licenses, read the same way. */
export type ImportOutcome = AssetImportOutcome | LicenseImportOutcome;
