import assert from 'node:assert';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ROLES, type Principal, type Role } from './roles';

/**
 * API keys, stored hashed in a JSON file (by default `<data dir>/api-keys.json`, mode 0600).
 * A token is `bl_<keyId>_<secret>`; only SHA-256 of the whole token is kept, so the file never
 * holds a usable credential. The file is re-read when it changes (keys added by the CLI while the
 * server runs), checked at most once per RELOAD_INTERVAL_MS.
 */
export interface StoredKey {
  keyId: string;
  name: string;
  role: Role;
  sha256: string;
  createdAt: string;
}

export const RELOAD_INTERVAL_MS = 1_000;
const TOKEN_PATTERN = /^bl_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export class ApiKeyStore {
  private keys = new Map<string, StoredKey>();
  /**
   * Per key id, the token last proven against its stored hash since the file was read: a repeat
   * request is compared with it in constant time and skips the SHA-256. Emptied whenever the
   * file is read again, so a key deleted from the file (revoked) stops working as soon as before.
   */
  private verified = new Map<string, { token: Buffer; principal: Principal }>();
  private loadedMtimeMs = -1;
  private checkedAt = 0;

  constructor(readonly filePath: string) {}

  exists(): boolean {
    return fs.existsSync(this.filePath);
  }

  list(): StoredKey[] {
    this.reload(true);
    return [...this.keys.values()];
  }

  /** Creates a key and returns its token: shown once, never stored. */
  create(name: string, role: Role, createdAt: string): { token: string; key: StoredKey } {
    assert(ROLES.includes(role), `role must be one of ${ROLES.join(', ')}`);
    assert(name.trim().length > 0 && name.length <= 100, 'a key needs a name of 1 to 100 characters');
    this.reload(true);
    const keyId = randomBytes(9).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, '0').slice(0, 12);
    const token = `bl_${keyId}_${randomBytes(32).toString('base64url')}`;
    const key: StoredKey = { keyId, name, role, sha256: hashToken(token), createdAt };
    this.keys.set(keyId, key);
    fs.mkdirSync(path.dirname(this.filePath), { recursive: true });
    const temporary = `${this.filePath}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify({ keys: [...this.keys.values()] }, null, 2), { mode: 0o600 });
    fs.renameSync(temporary, this.filePath);
    this.loadedMtimeMs = -1;
    return { token, key };
  }

  authenticate(token: string): Principal | null {
    const match = TOKEN_PATTERN.exec(token);
    if (!match) return null;
    this.reload(false);
    const keyId = match[1] as string;
    const presented = Buffer.from(token, 'utf8');
    const known = this.verified.get(keyId);
    if (known !== undefined && known.token.length === presented.length && timingSafeEqual(known.token, presented)) return { ...known.principal };
    const key = this.keys.get(keyId);
    if (!key) return null;
    const expected = Buffer.from(key.sha256, 'hex');
    const actual = Buffer.from(hashToken(token), 'hex');
    if (!timingSafeEqual(expected, actual)) return null;
    const principal: Principal = { keyId: key.keyId, name: key.name, role: key.role };
    this.verified.set(keyId, { token: presented, principal });
    return { ...principal };
  }

  private reload(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.checkedAt < RELOAD_INTERVAL_MS) return;
    this.checkedAt = now;
    let mtimeMs: number;
    try {
      mtimeMs = fs.statSync(this.filePath).mtimeMs;
    } catch {
      this.keys = new Map();
      this.verified = new Map();
      return;
    }
    if (mtimeMs === this.loadedMtimeMs) return;
    const parsed = JSON.parse(fs.readFileSync(this.filePath, 'utf8')) as { keys?: StoredKey[] };
    this.keys = new Map((parsed.keys ?? []).filter((k) => ROLES.includes(k.role)).map((k) => [k.keyId, k]));
    this.verified = new Map();
    this.loadedMtimeMs = mtimeMs;
  }
}

/** First start with authentication on and no keys yet: one admin key, its token left in the data dir for the operator. */
export const bootstrapAdminKey = (store: ApiKeyStore, dataDir: string, now: string): { tokenFile: string } | null => {
  if (store.exists()) return null;
  const { token } = store.create('local-admin', 'admin', now);
  const tokenFile = path.join(dataDir, 'admin.token');
  fs.writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  return { tokenFile };
};
