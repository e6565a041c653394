import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * scrypt's cost: N = 2^15, r = 8, p = 1 take 32 MiB and tens of milliseconds per attempt, the
 * level RFC 7914's authors and OWASP's guidance give for interactive logins. The parameters are
 * written into every hash, so raising them later leaves older hashes verifiable.
 */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

/** A password people choose: long enough to resist guessing, short enough to bound the work of hashing it. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 1024;

/** Why a password is refused, or undefined when it is fine. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  return undefined;
}

/** A password for a person to change or keep: 128 random bits, in letters and digits a terminal shows plainly. */
export function generatePassword(): string {
  return randomBytes(16).toString('base64url');
}

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  // maxmem must allow 128 * N * r bytes, with room to spare.
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** `scrypt$N=32768,r=8,p=1$<salt>$<key>` (base64url): the parameters travel with the hash. */
export async function hashPassword(password: string, params = SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, params);
  return `scrypt$N=${params.N},r=${params.r},p=${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

const STORED = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

/** Whether `password` is the one `stored` was made from; false for a hash this code cannot read. Compared in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = STORED.exec(stored);
  if (!match) return false;
  const [, n, r, p, salt, key] = match as unknown as [string, string, string, string, string, string];
  const expected = Buffer.from(key, 'base64url');
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  if (expected.length !== KEY_LENGTH || params.N > 2 ** 20 || params.r > 32 || params.p > 16) return false;
  const given = await derive(password, Buffer.from(salt, 'base64url'), params);
  return timingSafeEqual(given, expected);
}

/** A hash nobody's password matches, verified for an unknown name so that it takes as long as a known one. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(generatePassword());
  return decoy;
}

/** Letters, digits and `. _ - @ +`, up to 64, starting with a letter or digit: fits an e-mail address or `ana.lopez`. */
const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$/;

/** Why a user name is refused, or undefined when it is fine. */
export function userNameProblem(name: string): string | undefined {
  return USER_NAME.test(name)
    ? undefined
    : 'must be 1 to 64 letters, digits or . _ - @ +, starting with a letter or digit';
}
