import { expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { OpenPorts } from './open-ports.ts';

/** API tokens: made with a secret shown once, found by that secret, refused once revoked. */
export default function apiTokensContract(open: OpenPorts<'apiTokens'>): void {
  it('creates a token whose secret authenticates it with its role, until it is revoked', async () => {
    const { apiTokens, close } = await open();
    try {
      const now = new Date('2026-11-02T09:00:00Z');
      const { token, secret } = await apiTokens.create({ name: 'ci-deploy', role: 'admin' }, 'root', now);
      expect(secret).toMatch(/^stk_[A-Za-z0-9_-]{43}$/);
      expect(token).toMatchObject({
        name: 'ci-deploy',
        role: 'admin',
        createdAt: now.toISOString(),
        createdBy: 'root',
        lastUsedAt: null,
        revokedAt: null,
        revokedBy: null,
      });
      expect(await apiTokens.authenticate(secret, now)).toEqual({ id: token.id, name: 'ci-deploy', role: 'admin' });
      expect(await apiTokens.authenticate(`${secret}x`, now)).toBeUndefined();

      const revoked = await apiTokens.revoke('ci-deploy', 'root', now);
      expect(revoked).toMatchObject({ id: token.id, revokedAt: now.toISOString(), revokedBy: 'root' });
      expect(await apiTokens.authenticate(secret, now)).toBeUndefined();
      await expect(apiTokens.revoke('ci-deploy', 'root')).rejects.toBeInstanceOf(NotFoundError);
    } finally {
      await close();
    }
  });

  it('keeps roles apart, lists live tokens by id, and revokes by id as well as by name', async () => {
    const { apiTokens, close } = await open();
    try {
      const reader = await apiTokens.create({ name: 'grafana', role: 'reader' }, 'root');
      const admin = await apiTokens.create({ name: 'ops', role: 'admin' }, 'root');
      expect((await apiTokens.authenticate(reader.secret))?.role).toBe('reader');
      expect((await apiTokens.authenticate(admin.secret))?.role).toBe('admin');
      expect((await apiTokens.list()).map((t) => t.name)).toEqual(['grafana', 'ops']);

      await apiTokens.revoke(String(reader.token.id), 'root');
      expect((await apiTokens.list()).map((t) => t.name)).toEqual(['ops']);
      expect((await apiTokens.list({ includeRevoked: true })).map((t) => t.name)).toEqual(['grafana', 'ops']);
    } finally {
      await close();
    }
  });

  it('refuses a bad or reserved name and a name a live token holds, and frees the name on revoke', async () => {
    const { apiTokens, close } = await open();
    try {
      for (const name of ['has space', '12345', 'discovery']) {
        await expect(apiTokens.create({ name, role: 'reader' }, 'root')).rejects.toBeInstanceOf(ValidationError);
      }
      await apiTokens.create({ name: 'grafana', role: 'reader' }, 'root');
      await expect(apiTokens.create({ name: 'grafana', role: 'admin' }, 'root')).rejects.toBeInstanceOf(ConflictError);
      await apiTokens.revoke('grafana', 'root');
      const again = await apiTokens.create({ name: 'grafana', role: 'admin' }, 'root');
      expect(again.token.role).toBe('admin');
    } finally {
      await close();
    }
  });

  it('notes the last use at most once a minute', async () => {
    const { apiTokens, close } = await open();
    try {
      const { secret } = await apiTokens.create({ name: 'grafana', role: 'reader' }, 'root');
      const first = new Date('2026-11-02T09:00:00Z');
      await apiTokens.authenticate(secret, first);
      await apiTokens.authenticate(secret, new Date(first.getTime() + 30_000));
      expect((await apiTokens.list())[0]?.lastUsedAt).toBe(first.toISOString());
      const later = new Date(first.getTime() + 120_000);
      await apiTokens.authenticate(secret, later);
      expect((await apiTokens.list())[0]?.lastUsedAt).toBe(later.toISOString());
    } finally {
      await close();
    }
  });
}
