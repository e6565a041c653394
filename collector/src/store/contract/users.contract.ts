import { expect, it } from 'vitest';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from '../../domain/access/sessions.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { OpenPorts } from './open-ports.ts';

const AT = new Date('2026-11-02T09:00:00.000Z');
const after = (ms: number) => new Date(AT.getTime() + ms);
const MINUTE = 60_000;
const PASSWORD = 'correct horse battery staple';

/** People's accounts: made, verified by password, disabled; sessions started, found, ended and expired. */
export default function usersContract(open: OpenPorts<'users' | 'audit'>): void {
  it('makes an account whose password verifies it with its role, and audits the making without the password', async () => {
    const { users, audit, close } = await open();
    try {
      const user = await users.create({ name: 'ana.lopez', role: 'reader', password: PASSWORD }, 'cli:root', AT);
      expect(user).toEqual({
        id: user.id,
        name: 'ana.lopez',
        role: 'reader',
        createdAt: AT.toISOString(),
        createdBy: 'cli:root',
        passwordChangedAt: AT.toISOString(),
        disabledAt: null,
        disabledBy: null,
      });
      expect(await users.verify('ana.lopez', PASSWORD)).toEqual({ id: user.id, name: 'ana.lopez', role: 'reader' });
      expect(await users.verify('ana.lopez', `${PASSWORD}!`)).toBeUndefined();
      expect(await users.verify('nobody', PASSWORD)).toBeUndefined();
      const history = await audit.history('user', String(user.id));
      expect(history).toMatchObject([
        { action: 'create', actor: 'cli:root', after: { name: 'ana.lopez', role: 'reader' } },
      ]);
      expect(JSON.stringify(history)).not.toContain(PASSWORD);
      expect(await users.list()).toEqual([user]);
    } finally {
      await close();
    }
  });

  it('refuses a bad name, a short password and a name another account holds, disabled or not', async () => {
    const { users, close } = await open();
    try {
      await expect(users.create({ name: 'has space', role: 'reader', password: PASSWORD }, 'r')).rejects.toBeInstanceOf(
        ValidationError,
      );
      await expect(users.create({ name: 'ana', role: 'reader', password: 'short' }, 'r')).rejects.toBeInstanceOf(
        ValidationError,
      );
      await users.create({ name: 'ana', role: 'reader', password: PASSWORD }, 'r');
      await expect(users.create({ name: 'ana', role: 'admin', password: PASSWORD }, 'r')).rejects.toBeInstanceOf(
        ConflictError,
      );
      await users.disable('ana', 'r');
      await expect(users.create({ name: 'ana', role: 'admin', password: PASSWORD }, 'r')).rejects.toBeInstanceOf(
        ConflictError,
      );
    } finally {
      await close();
    }
  });

  it('starts a session found by its token until it is ended', async () => {
    const { users, close } = await open();
    try {
      const user = await users.create({ name: 'ops', role: 'admin', password: PASSWORD }, 'r', AT);
      const { token, expiresAt } = await users.startSession(user.id, AT);
      expect(token).toMatch(/^sts_[A-Za-z0-9_-]{43}$/);
      expect(expiresAt).toBe(after(SESSION_IDLE_MS).toISOString());
      expect(await users.session(token, after(MINUTE))).toEqual({
        user: { id: user.id, name: 'ops', role: 'admin' },
        expiresAt: after(MINUTE + SESSION_IDLE_MS).toISOString(),
      });
      expect(await users.session(`${token}x`, after(MINUTE))).toBeUndefined();
      expect(await users.endSession(token)).toBe(true);
      expect(await users.session(token, after(MINUTE))).toBeUndefined();
      expect(await users.endSession(token)).toBe(false);
    } finally {
      await close();
    }
  });

  it('ends a session left idle, and one past its absolute limit however much it is used', async () => {
    const { users, close } = await open();
    try {
      const user = await users.create({ name: 'ops', role: 'admin', password: PASSWORD }, 'r', AT);
      const idle = await users.startSession(user.id, AT);
      expect(await users.session(idle.token, after(SESSION_IDLE_MS - MINUTE))).toBeDefined();
      expect(await users.session(idle.token, after(2 * SESSION_IDLE_MS))).toBeUndefined();

      const busy = await users.startSession(user.id, AT);
      let at = 0;
      while (at + SESSION_IDLE_MS / 2 < SESSION_ABSOLUTE_MS) {
        at += SESSION_IDLE_MS / 2;
        expect(await users.session(busy.token, after(at)), `at ${at / MINUTE} min`).toBeDefined();
      }
      expect(await users.session(busy.token, after(SESSION_ABSOLUTE_MS))).toBeUndefined();
    } finally {
      await close();
    }
  });

  it('disabling an account ends its sessions and refuses its password; others keep theirs', async () => {
    const { users, audit, close } = await open();
    try {
      const ana = await users.create({ name: 'ana', role: 'reader', password: PASSWORD }, 'r', AT);
      const bo = await users.create({ name: 'bo', role: 'reader', password: PASSWORD }, 'r', AT);
      const anas = await users.startSession(ana.id, AT);
      const bos = await users.startSession(bo.id, AT);
      const disabled = await users.disable('ana', 'user:ops', AT);
      expect(disabled).toMatchObject({ name: 'ana', disabledAt: AT.toISOString(), disabledBy: 'user:ops' });
      expect(await users.session(anas.token, AT)).toBeUndefined();
      expect(await users.verify('ana', PASSWORD)).toBeUndefined();
      expect(await users.session(bos.token, AT)).toBeDefined();
      await expect(users.disable('ana', 'user:ops')).rejects.toBeInstanceOf(NotFoundError);
      expect((await users.list()).map((u) => u.name)).toEqual(['bo']);
      expect((await users.list({ includeDisabled: true })).map((u) => u.name)).toEqual(['ana', 'bo']);
      expect((await audit.history('user', String(ana.id)))[0]).toMatchObject({ action: 'disable', actor: 'user:ops' });
    } finally {
      await close();
    }
  });

  it('a new password replaces the old one and ends the sessions made with it', async () => {
    const { users, audit, close } = await open();
    try {
      const ana = await users.create({ name: 'ana', role: 'reader', password: PASSWORD }, 'r', AT);
      const session = await users.startSession(ana.id, AT);
      const reset = await users.resetPassword('ana', 'a brand new passphrase', 'cli:root', after(MINUTE));
      expect(reset.passwordChangedAt).toBe(after(MINUTE).toISOString());
      expect(await users.verify('ana', PASSWORD)).toBeUndefined();
      expect(await users.verify('ana', 'a brand new passphrase')).toMatchObject({ name: 'ana' });
      expect(await users.session(session.token, after(MINUTE))).toBeUndefined();
      await expect(users.resetPassword('ana', 'short', 'r')).rejects.toBeInstanceOf(ValidationError);
      await expect(users.resetPassword('nobody', PASSWORD, 'r')).rejects.toBeInstanceOf(NotFoundError);
      const history = await audit.history('user', String(ana.id));
      expect(history[0]).toMatchObject({ action: 'password', actor: 'cli:root' });
      expect(JSON.stringify(history)).not.toContain('brand new');
    } finally {
      await close();
    }
  });
}
