import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiKeyStore, bootstrapAdminKey, RELOAD_INTERVAL_MS } from './api-keys';

describe('ApiKeyStore', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bl-keys-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('stores only a hash: the file never holds a usable token, yet the token authenticates', () => {
    const store = new ApiKeyStore(path.join(dir, 'keys.json'));
    const { token, key } = store.create('biller.lee', 'biller', '2026-11-27T00:00:00.000Z');
    expect(fs.readFileSync(store.filePath, 'utf8')).not.toContain(token.split('_')[2]);
    expect(fs.statSync(store.filePath).mode & 0o777).toBe(0o600);
    expect(store.authenticate(token)).toEqual({ keyId: key.keyId, name: 'biller.lee', role: 'biller' });
  });

  it('refuses a wrong secret, a malformed token and an unknown key id', () => {
    const store = new ApiKeyStore(path.join(dir, 'keys2.json'));
    const { token } = store.create('auditor.kim', 'auditor', '2026-11-27T00:00:00.000Z');
    const tampered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect(store.authenticate(tampered)).toBeNull();
    expect(store.authenticate('not-a-token')).toBeNull();
    expect(store.authenticate(`bl_zzzzzzzzzzzz_${'A'.repeat(43)}`)).toBeNull();
  });

  it('a second instance sees keys created by another (the CLI adds keys while the server runs)', () => {
    const file = path.join(dir, 'keys3.json');
    const server = new ApiKeyStore(file);
    expect(server.authenticate(`bl_aaaaaaaaaaaa_${'A'.repeat(43)}`)).toBeNull();
    const { token } = new ApiKeyStore(file).create('finance.ray', 'finance', '2026-11-27T00:00:00.000Z');
    expect(new ApiKeyStore(file).authenticate(token)?.role).toBe('finance');
  });

  it('a key deleted from the file (revoked) stops working at the next re-read, even after it authenticated', () => {
    jest.useFakeTimers({ now: new Date('2026-11-27T12:00:00Z') });
    try {
      const file = path.join(dir, 'keys4.json');
      const server = new ApiKeyStore(file);
      const kept = server.create('biller.kept', 'biller', '2026-11-27T00:00:00.000Z');
      const revoked = server.create('biller.gone', 'biller', '2026-11-27T00:00:00.000Z');
      expect(server.authenticate(revoked.token)?.name).toBe('biller.gone');
      expect(server.authenticate(revoked.token)?.name).toBe('biller.gone');
      // Revoke by deleting its line, as an operator would; a later mtime, so the server sees the change.
      const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as { keys: Array<{ keyId: string }> };
      fs.writeFileSync(file, JSON.stringify({ keys: stored.keys.filter((k) => k.keyId !== revoked.key.keyId) }));
      fs.utimesSync(file, new Date('2026-11-27T12:00:05Z'), new Date('2026-11-27T12:00:05Z'));
      jest.advanceTimersByTime(RELOAD_INTERVAL_MS);
      expect(server.authenticate(revoked.token)).toBeNull();
      expect(server.authenticate(kept.token)?.name).toBe('biller.kept');
      const tampered = kept.token.slice(0, -1) + (kept.token.endsWith('A') ? 'B' : 'A');
      expect(server.authenticate(tampered)).toBeNull();
    } finally {
      jest.useRealTimers();
    }
  });

  it('bootstraps one admin key on first start only, leaving its token in the data dir', () => {
    const store = new ApiKeyStore(path.join(dir, 'boot.json'));
    const created = bootstrapAdminKey(store, dir, '2026-11-27T00:00:00.000Z');
    expect(created).not.toBeNull();
    const token = fs.readFileSync(created!.tokenFile, 'utf8').trim();
    expect(store.authenticate(token)?.role).toBe('admin');
    expect(bootstrapAdminKey(store, dir, '2026-11-27T00:00:00.000Z')).toBeNull();
  });
});
