import type { ApiRole, ApiToken, EnrollSecret, EnrollSecretRotation } from '@stocktake/shared/api';

// A token and a secret as listed (never the secret itself), and what a rotation answers, are the
// API's own shapes: the ports return them as the contract declares them.
export type { ApiToken, EnrollSecret, EnrollSecretRotation };

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
  /** The device its snapshots describe, once it has sent one. */
  deviceId: string | null;
}

export interface AgentEnrolment {
  hostname: string;
  version: string;
  platform: string;
}

/** Agents and their tokens (kept only as a hash). */
export interface Agents {
  /** Enrols an agent and returns its id with the only copy of its token. */
  enrol(input: AgentEnrolment, now?: Date): Promise<{ agentId: string; agentToken: string }>;
  /** The live (not revoked) agent holding this token. */
  findByToken(token: string): Promise<Agent | undefined>;
  /** Revokes the agent's token; false when it was unknown or already revoked. */
  revoke(agentId: string, now?: Date): Promise<boolean>;
}

/** The access ports, as they sit on `Stores`. */
export interface AccessStores {
  apiTokens: ApiTokens;
  enrollSecrets: EnrollSecrets;
  agents: Agents;
}
