import type { UserAccounts, UserPrincipal } from './ports.ts';

/** How many failed logins are allowed in a window, per account and per client address. */
export interface LoginLimits {
  /** Failures per account name; a guesser trying one account from many addresses stops here. */
  perAccount: number;
  /** Failures per client address; one address trying many names stops here. */
  perAddress: number;
  windowMs: number;
}

/**
 * Five wrong passwords per account and twenty per address in fifteen minutes: room for a person's
 * typing, none for guessing (a few hundred tries a day at most, against 12-character passwords).
 */
export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perAccount: 5, perAddress: 20, windowMs: 15 * 60 * 1000 };

/** Keys remembered at most, so a flood of made-up names cannot grow memory without bound. */
const MAX_KEYS = 10_000;

/** A login refused before the password is looked at: too many failures lately. */
export class TooManyLoginsError extends Error {
  constructor(
    readonly retryAfterSeconds: number,
    readonly by: 'account' | 'address',
  ) {
    super(
      by === 'account'
        ? `Too many failed logins for this account; retry in ${retryAfterSeconds} s`
        : `Too many failed logins from this address; retry in ${retryAfterSeconds} s`,
    );
    this.name = 'TooManyLoginsError';
  }
}

/**
 * Failed logins per account and per address in a sliding window, in memory (one collector
 * process answers logins). A success clears its account's failures, not its address's.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS) {}

  /** Throws TooManyLoginsError when either the account or the address has used up its failures. */
  check(name: string, address: string, now = new Date()): void {
    for (const [by, key, max] of this.keys(name, address)) {
      const recent = this.recent(key, now);
      if (max > 0 && recent.length >= max) {
        const freedAt = (recent[recent.length - max] ?? now.getTime()) + this.limits.windowMs;
        throw new TooManyLoginsError(Math.max(1, Math.ceil((freedAt - now.getTime()) / 1000)), by);
      }
    }
  }

  fail(name: string, address: string, now = new Date()): void {
    if (this.failures.size >= MAX_KEYS) this.forgetExpired(now);
    for (const [, key] of this.keys(name, address)) this.failures.set(key, [...this.recent(key, now), now.getTime()]);
  }

  succeed(name: string): void {
    this.failures.delete(`account:${name}`);
  }

  private keys(name: string, address: string): [by: 'account' | 'address', key: string, max: number][] {
    return [
      ['account', `account:${name}`, this.limits.perAccount],
      ['address', `address:${address}`, this.limits.perAddress],
    ];
  }

  private recent(key: string, now: Date): number[] {
    const since = now.getTime() - this.limits.windowMs;
    return (this.failures.get(key) ?? []).filter((t) => t > since);
  }

  private forgetExpired(now: Date): void {
    for (const key of [...this.failures.keys()]) {
      if (this.recent(key, now).length === 0) this.failures.delete(key);
    }
    // Still full of live keys: the oldest go first (Map keeps insertion order).
    for (const key of this.failures.keys()) {
      if (this.failures.size < MAX_KEYS) break;
      this.failures.delete(key);
    }
  }
}

/** A session just started. */
export interface LoggedIn {
  user: UserPrincipal;
  token: string;
  expiresAt: string;
}

/**
 * A login: refused while the account or address is throttled (TooManyLoginsError, before any
 * password is checked), undefined for a wrong name or password or a disabled account (one
 * answer, counted as a failure), else a new session.
 */
export async function logIn(
  users: UserAccounts,
  throttle: LoginThrottle,
  attempt: { name: string; password: string; address: string },
  now = new Date(),
): Promise<LoggedIn | undefined> {
  throttle.check(attempt.name, attempt.address, now);
  const user = await users.verify(attempt.name, attempt.password);
  if (!user) {
    throttle.fail(attempt.name, attempt.address, now);
    return undefined;
  }
  throttle.succeed(attempt.name);
  return { user, ...(await users.startSession(user.id, now)) };
}
