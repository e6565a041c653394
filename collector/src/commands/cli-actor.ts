import { userInfo } from 'node:os';

/** Who runs the command line, for the audit log: the operating-system user. */
export function cliActor(): string {
  let name: string;
  try {
    name = userInfo().username;
  } catch {
    name = process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
  return `cli:${name}`;
}
