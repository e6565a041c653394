import { expect, it } from 'vitest';
import { NotFoundError } from '../../domain/errors.ts';
import type { OpenPorts } from './open-ports.ts';

/** Enroll secrets: the configured one kept in step, rotation, revocation; never a secret in a listing. */
export default function enrollSecretsContract(open: OpenPorts<'enrollSecrets'>): void {
  it('keeps the configured secret, replaces it when the configuration changes, and never revives a revoked one', async () => {
    const { enrollSecrets, close } = await open();
    try {
      expect(await enrollSecrets.syncConfigured('first-secret')).toEqual({ live: true, changed: true });
      expect(await enrollSecrets.syncConfigured('first-secret')).toEqual({ live: true, changed: false });
      expect(await enrollSecrets.accepts('first-secret')).toBe(true);
      expect(await enrollSecrets.accepts('not-a-secret')).toBe(false);

      expect(await enrollSecrets.syncConfigured('second-secret')).toEqual({ live: true, changed: true });
      expect(await enrollSecrets.accepts('first-secret')).toBe(false);
      const [configured] = await enrollSecrets.list();
      expect(configured).toMatchObject({ origin: 'config', createdBy: 'config', revokedAt: null });
      expect(configured?.fingerprint).toMatch(/^[0-9a-f]{8}$/);

      await enrollSecrets.revoke(String(configured?.id), 'root');
      expect(await enrollSecrets.syncConfigured('second-secret')).toEqual({ live: false, changed: false });
      expect(await enrollSecrets.accepts('second-secret')).toBe(false);
    } finally {
      await close();
    }
  });

  it('rotates to a new secret, shown once, revoking the others unless asked to keep them', async () => {
    const { enrollSecrets, close } = await open();
    try {
      await enrollSecrets.syncConfigured('configured');
      const kept = await enrollSecrets.rotate('root', { keepPrevious: true });
      expect(kept.revoked).toEqual([]);
      expect(kept.created).toMatchObject({ origin: 'managed', createdBy: 'root' });
      expect(await enrollSecrets.accepts(kept.secret)).toBe(true);
      expect(await enrollSecrets.accepts('configured')).toBe(true);

      const now = new Date('2026-11-02T09:00:00Z');
      const rotated = await enrollSecrets.rotate('root', {}, now);
      expect(rotated.revoked.map((s) => s.id)).toEqual([1, kept.created.id]);
      expect(rotated.revoked.every((s) => s.revokedAt === now.toISOString() && s.revokedBy === 'root')).toBe(true);
      expect(await enrollSecrets.accepts('configured')).toBe(false);
      expect(await enrollSecrets.accepts(kept.secret)).toBe(false);
      expect(await enrollSecrets.accepts(rotated.secret)).toBe(true);

      const listed = await enrollSecrets.list();
      expect(listed.map((s) => s.id)).toEqual([rotated.created.id]);
      expect(JSON.stringify(await enrollSecrets.list({ includeRevoked: true }))).not.toContain(rotated.secret);
      expect(await enrollSecrets.list({ includeRevoked: true })).toHaveLength(3);
    } finally {
      await close();
    }
  });

  it('revokes by fingerprint, and refuses what names no live secret', async () => {
    const { enrollSecrets, close } = await open();
    try {
      const { secret, created } = await enrollSecrets.rotate('root');
      const revoked = await enrollSecrets.revoke(created.fingerprint, 'root');
      expect(revoked).toMatchObject({ id: created.id, revokedBy: 'root' });
      expect(await enrollSecrets.accepts(secret)).toBe(false);
      await expect(enrollSecrets.revoke(created.fingerprint, 'root')).rejects.toBeInstanceOf(NotFoundError);
      await expect(enrollSecrets.revoke('999', 'root')).rejects.toBeInstanceOf(NotFoundError);
    } finally {
      await close();
    }
  });
}
