import type { CommandSpec } from '../command.ts';
import { agentsAllow } from './agents-allow.ts';
import { agentsBlock } from './agents-block.ts';
import { agentsBlocks } from './agents-blocks.ts';
import { agentsList } from './agents-list.ts';
import { agentsRevoke } from './agents-revoke.ts';
import { assetsDispose } from './assets-dispose.ts';
import { assetsExport } from './assets-export.ts';
import { assetsImport } from './assets-import.ts';
import { assetsLink } from './assets-link.ts';
import { assetsList } from './assets-list.ts';
import { assetsShow } from './assets-show.ts';
import { assetsUnlink } from './assets-unlink.ts';
import { completion } from './completion.ts';
import { devicesAdopt } from './devices-adopt.ts';
import { devicesDelete } from './devices-delete.ts';
import { devicesList } from './devices-list.ts';
import { devicesMerge } from './devices-merge.ts';
import { devicesRefresh } from './devices-refresh.ts';
import { devicesShow } from './devices-show.ts';
import { findingsAck } from './findings-ack.ts';
import { findingsList } from './findings-list.ts';
import { findingsReopen } from './findings-reopen.ts';
import { findingsShow } from './findings-show.ts';
import { findingsSnooze } from './findings-snooze.ts';
import { licensesCompliance } from './licenses-compliance.ts';
import { licensesExport } from './licenses-export.ts';
import { licensesImport } from './licenses-import.ts';
import { licensesList } from './licenses-list.ts';
import { login } from './login.ts';
import { reconcile } from './reconcile.ts';
import { report } from './report.ts';
import { softwareList } from './software-list.ts';
import { softwareWhoHas } from './software-who-has.ts';
import { tokensCreate } from './tokens-create.ts';
import { tokensList } from './tokens-list.ts';
import { tokensRevoke } from './tokens-revoke.ts';

/** Every command, in the order help lists them. Help, parsing and completion all read this table. */
export const COMMANDS: readonly CommandSpec[] = [
  devicesList,
  devicesShow,
  devicesRefresh,
  devicesAdopt,
  devicesMerge,
  devicesDelete,
  softwareList,
  softwareWhoHas,
  assetsList,
  assetsShow,
  assetsImport,
  assetsExport,
  assetsLink,
  assetsUnlink,
  assetsDispose,
  licensesList,
  licensesCompliance,
  licensesImport,
  licensesExport,
  findingsList,
  findingsShow,
  findingsAck,
  findingsSnooze,
  findingsReopen,
  reconcile,
  report,
  tokensList,
  tokensCreate,
  tokensRevoke,
  agentsList,
  agentsRevoke,
  agentsBlock,
  agentsBlocks,
  agentsAllow,
  login,
  completion,
];
