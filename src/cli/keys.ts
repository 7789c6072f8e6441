import { apiKeysFileOf, type LedgerConfig } from '../common/config';
import { ApiKeyStore, type StoredKey } from '../security/api-keys';
import { ROLES, type Role } from '../security/roles';

/** Creates an API key; the token is printed once and never stored. */
export const createKey = (config: LedgerConfig, name: string, role: string, now: Date): { token: string; key: StoredKey } => {
  if (!ROLES.includes(role as Role)) throw new Error(`role must be one of ${ROLES.join(', ')}`);
  const store = new ApiKeyStore(apiKeysFileOf(config));
  if (store.list().some((k) => k.name === name)) throw new Error(`a key named ${name} exists already: names are the actors on events, so they stay unique`);
  return store.create(name, role as Role, now.toISOString());
};

export const listKeys = (config: LedgerConfig): StoredKey[] => new ApiKeyStore(apiKeysFileOf(config)).list();
