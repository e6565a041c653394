import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStores, type SqliteStores } from '../../store/sqlite/stores.ts';
import { LoginThrottle, logIn, TooManyLoginsError } from './login.ts';

const AT = new Date('2026-11-02T09:00:00.000Z');
const after = (ms: number) => new Date(AT.getTime() + ms);
const MINUTE = 60_000;
const LIMITS = { perAccount: 3, perAddress: 5, windowMs: 15 * MINUTE };

function refusal(fn: () => void): TooManyLoginsError | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (err instanceof TooManyLoginsError) return err;
    throw err;
  }
}

describe('the login throttle', () => {
  it('refuses an account after its failures, saying when the oldest of them leaves the window', () => {
    const throttle = new LoginThrottle(LIMITS);
    throttle.fail('ana', '10.0.0.1', AT);
    throttle.fail('ana', '10.0.0.2', after(MINUTE));
    expect(refusal(() => throttle.check('ana', '10.0.0.3', after(2 * MINUTE)))).toBeUndefined();
    throttle.fail('ana', '10.0.0.3', after(2 * MINUTE));
    const refused = refusal(() => throttle.check('ana', '10.0.0.4', after(3 * MINUTE)));
    expect(refused).toMatchObject({ by: 'account', retryAfterSeconds: 12 * 60 });
    // Other accounts from the same addresses are not held back by ana's.
    expect(refusal(() => throttle.check('bo', '10.0.0.1', after(3 * MINUTE)))).toBeUndefined();
    // Once the first failure is fifteen minutes old, one more try is allowed.
    expect(refusal(() => throttle.check('ana', '10.0.0.4', after(15 * MINUTE + 1)))).toBeUndefined();
  });

  it('refuses an address trying many accounts', () => {
    const throttle = new LoginThrottle(LIMITS);
    for (const name of ['a', 'b', 'c', 'd', 'e']) throttle.fail(name, '10.0.0.9', AT);
    expect(refusal(() => throttle.check('f', '10.0.0.9', AT))).toMatchObject({ by: 'address' });
    expect(refusal(() => throttle.check('f', '10.0.0.8', AT))).toBeUndefined();
  });

  it('forgets an account’s failures when its person gets in', () => {
    const throttle = new LoginThrottle(LIMITS);
    throttle.fail('ana', '10.0.0.1', AT);
    throttle.fail('ana', '10.0.0.1', AT);
    throttle.succeed('ana');
    throttle.fail('ana', '10.0.0.1', AT);
    throttle.fail('ana', '10.0.0.1', AT);
    expect(refusal(() => throttle.check('ana', '10.0.0.1', AT))).toBeUndefined();
  });
});

describe('logging in', () => {
  let dir: string;
  let stores: SqliteStores;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stocktake-login-'));
    stores = await openSqliteStores(join(dir, 'stocktake.db'));
  });
  afterEach(async () => {
    await stores.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts a session for the right password, and refuses a wrong one or a disabled account alike', async () => {
    const throttle = new LoginThrottle(LIMITS);
    await stores.users.create({ name: 'ana', role: 'reader', password: 'correct horse battery' }, 'r');
    const ok = await logIn(
      stores.users,
      throttle,
      { name: 'ana', password: 'correct horse battery', address: 'a' },
      AT,
    );
    expect(ok?.user).toMatchObject({ name: 'ana', role: 'reader' });
    expect(await stores.users.session(ok?.token ?? '', AT)).toMatchObject({ user: { name: 'ana' } });

    expect(
      await logIn(stores.users, throttle, { name: 'ana', password: 'wrong horse battery', address: 'a' }, AT),
    ).toBe(undefined);
    await stores.users.disable('ana', 'r');
    expect(
      await logIn(stores.users, throttle, { name: 'ana', password: 'correct horse battery', address: 'a' }, AT),
    ).toBeUndefined();
  });

  it('refuses even the right password once the account is throttled, without checking it', async () => {
    const throttle = new LoginThrottle(LIMITS);
    await stores.users.create({ name: 'ana', role: 'reader', password: 'correct horse battery' }, 'r');
    for (let i = 0; i < LIMITS.perAccount; i++) {
      await logIn(stores.users, throttle, { name: 'ana', password: `guess number ${i}`, address: 'a' }, AT);
    }
    await expect(
      logIn(stores.users, throttle, { name: 'ana', password: 'correct horse battery', address: 'b' }, AT),
    ).rejects.toBeInstanceOf(TooManyLoginsError);
  });
});
