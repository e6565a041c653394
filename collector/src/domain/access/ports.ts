import type {
  ApiRole,
  ApiToken,
  EnrollSecret,
  EnrollSecretRotation,
  EnrolmentBlock,
  EnrolmentBlockCreate,
  User,
} from '@stocktake/shared/api';

// A token and a secret as listed (never the secret itself), what a rotation answers, and an
// enrolment block are the API's own shapes: the ports return them as the contract declares them.
export type { ApiToken, EnrollSecret, EnrollSecretRotation, EnrolmentBlock, EnrolmentBlockCreate, User };

/** An authenticated API token: what the audit log and role checks need. */
export interface ApiPrincipal {
  id: number;
  name: string;
  role: ApiRole;
}

/**
 * API tokens: created and revoked on the collector host or by an admin, audited, kept only as a
 * hash. A token is named by its id (digits) or its name, unique among live tokens.
 */
export interface ApiTokens {
  /**
   * Makes a token and returns it with the only copy of its secret. Refuses a bad name
   * (ValidationError) and a name a live token holds (ConflictError).
   */
  create(
    input: { name: string; role: ApiRole },
    actor: string,
    now?: Date,
  ): Promise<{ token: ApiToken; secret: string }>;
  /** Every live token (and revoked ones when asked), by id. */
  list(options?: { includeRevoked?: boolean }): Promise<ApiToken[]>;
  /** Revokes the live token with this id or name; NotFoundError when there is none. */
  revoke(ref: string, actor: string, now?: Date): Promise<ApiToken>;
  /** The live token with this secret, noting its use; undefined for an unknown or revoked one. */
  authenticate(secret: string, now?: Date): Promise<ApiPrincipal | undefined>;
}

/**
 * Enroll secrets: the one the collector is configured with (kept in step with the configuration
 * at every start) and those made by `rotate`. Any live one enrols an agent. Every change is audited.
 */
export interface EnrollSecrets {
  /**
   * Brings the configured secret into the list. A different configured secret than last time
   * replaces the previous one (revoked); one revoked by hand stays revoked, so restarting with
   * an old flag cannot bring it back. `live`: whether it enrols.
   */
  syncConfigured(secret: string, now?: Date): Promise<{ live: boolean; changed: boolean }>;
  /** Whether this secret is a live one. */
  accepts(secret: string): Promise<boolean>;
  list(options?: { includeRevoked?: boolean }): Promise<EnrollSecret[]>;
  /** Makes a new secret and, unless `keepPrevious`, revokes every other live one. */
  rotate(actor: string, options?: { keepPrevious?: boolean }, now?: Date): Promise<EnrollSecretRotation>;
  /** Revokes a live secret by id or by its fingerprint (or a longer prefix of its hash); NotFoundError otherwise. */
  revoke(ref: string, actor: string, now?: Date): Promise<EnrollSecret>;
}

/** An enrolled agent installation. */
export interface Agent {
  id: string;
  hostname: string;
  version: string;
  platform: string;
  enrolledAt: string;
  lastSeenAt: string | null;
  revokedAt: string | null;
  /** Who revoked it (an API token's name, or `system`); null while live or when not recorded. */
  revokedBy: string | null;
  /** The device its snapshots describe, once it has sent one. */
  deviceId: string | null;
  /** A device another agent follows whose hardware this one reports, while that claim is open. */
  claimedDeviceId: string | null;
  /** The network address of its latest request (or its enrolment). */
  address: string | null;
}

export interface AgentEnrolment {
  /**
   * The id to give it; absent: a new random one. Another tool's agent is enrolled under an id
   * derived from its own (domain/peers), so its next report finds it again.
   */
  id?: string;
  hostname: string;
  version: string;
  platform: string;
  /** Where the enrolment came from. */
  address?: string;
}

/** What revoking an agent did: the agent as revoked, and the block put on its device (if any). */
export interface AgentRevocation {
  agent: Agent;
  block: EnrolmentBlock | null;
}

/** Agents and their tokens (kept only as a hash). */
export interface Agents {
  /** Enrols an agent and returns its id with the only copy of its token. */
  enrol(input: AgentEnrolment, now?: Date): Promise<{ agentId: string; agentToken: string }>;
  /** The live (not revoked) agent holding this token. */
  findByToken(token: string): Promise<Agent | undefined>;
  /** An agent by id, revoked or not. */
  get(agentId: string): Promise<Agent | undefined>;
  /** Live agents (and revoked ones when asked), the most recently seen first. */
  list(options?: { includeRevoked?: boolean }): Promise<Agent[]>;
  /** Notes the address an agent's request came from (a write only when it changed). */
  noteAddress(agentId: string, address: string): Promise<void>;
  /** Revokes the agent's token; false when it was unknown or already revoked. */
  revoke(agentId: string, now?: Date): Promise<boolean>;
  /**
   * Revokes a live agent on a person's word, audited. Unless `allowReenrolment`, its device is
   * blocked too (see EnrolmentBlocks), so re-enrolling does not get the device back.
   * NotFoundError for an unknown or already revoked agent.
   */
  revokeAsAdmin(
    agentId: string,
    actor: string,
    options?: { allowReenrolment?: boolean },
    now?: Date,
  ): Promise<AgentRevocation>;
}

/**
 * What new agents may not take until an admin allows it: a device or a hardware serial. A new
 * agent reporting either has its snapshots refused, and an open claim on a blocked device is
 * never settled by evidence (only by adoption). Every change is audited.
 */
export interface EnrolmentBlocks {
  /** The blocks in force, oldest first. */
  list(): Promise<EnrolmentBlock[]>;
  /**
   * Blocks a device (by id) or a serial. NotFoundError for an unknown device, ValidationError
   * for a serial that identifies nothing (empty, or a placeholder firmware writes); the block
   * already in force when there is one.
   */
  block(input: EnrolmentBlockCreate, actor: string, now?: Date): Promise<EnrolmentBlock>;
  /** Lifts a block; NotFoundError when there is none with this id. */
  allow(id: number, actor: string, now?: Date): Promise<EnrolmentBlock>;
}

/** A person logged in: what role checks and the audit log (as `user:<name>`) need. */
export interface UserPrincipal {
  id: number;
  name: string;
  role: ApiRole;
}

/** A live session, found by the token its cookie holds. */
export interface ActiveSession {
  user: UserPrincipal;
  /** When it ends unless used again (the sooner of its idle and absolute limits). */
  expiresAt: string;
}

/**
 * People's accounts and their sessions. A password is kept only as a scrypt hash (passwords.ts),
 * a session only as the SHA-256 of its token. A user is named by its name, unique among all
 * accounts (a disabled account keeps its name: its writes stay attributed to one person).
 * Every change to an account is audited; logins and logouts are not changes to it.
 */
export interface UserAccounts {
  /**
   * Makes an account. Refuses a bad name or password (ValidationError) and a name another
   * account holds (ConflictError).
   */
  create(input: { name: string; role: ApiRole; password: string }, actor: string, now?: Date): Promise<User>;
  /** Every enabled account (and disabled ones when asked), by id. */
  list(options?: { includeDisabled?: boolean }): Promise<User[]>;
  /** Disables an enabled account and ends its sessions; NotFoundError when there is none. */
  disable(name: string, actor: string, now?: Date): Promise<User>;
  /**
   * Sets a new password on an enabled account and ends its sessions (whoever knew the old one is
   * logged out); ValidationError for a bad password, NotFoundError for no such enabled account.
   */
  resetPassword(name: string, password: string, actor: string, now?: Date): Promise<User>;
  /** The enabled account with this name and password; undefined otherwise (one answer for every refusal). */
  verify(name: string, password: string): Promise<UserPrincipal | undefined>;
  /** Starts a session for an enabled account: the only copy of its token, and when it ends. */
  startSession(userId: number, now?: Date): Promise<{ token: string; expiresAt: string }>;
  /**
   * The live session with this token (its account enabled, within its idle and absolute
   * limits), noting its use; undefined otherwise.
   */
  session(token: string, now?: Date): Promise<ActiveSession | undefined>;
  /** Ends the session with this token; false when there was none. */
  endSession(token: string): Promise<boolean>;
}

/** The access ports, as they sit on `Stores`. */
export interface AccessStores {
  apiTokens: ApiTokens;
  enrollSecrets: EnrollSecrets;
  agents: Agents;
  enrolmentBlocks: EnrolmentBlocks;
  users: UserAccounts;
}
