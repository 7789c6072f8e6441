import path from 'node:path';

export type EventStoreKind = 'sqlite' | 'esdb';

/** Everything the service reads from the environment, resolved once at start. */
export interface LedgerConfig {
  eventStore: EventStoreKind;
  dataDir: string;
  /** Interface to listen on: loopback unless told otherwise (a container sets 0.0.0.0). */
  host: string;
  port: number;
  esdbConnectionString: string | undefined;
  /** Bearer-token authentication; absent means on. `off` is for local demos only. */
  auth?: 'on' | 'off';
  /** Hashed API keys; default `<dataDir>/api-keys.json`. */
  apiKeysFile?: string;
  /** Requests per second per principal (per address when anonymous); default RATE_LIMIT_PER_SECOND_DEFAULT. */
  rateLimitPerSecond?: number;
  /** A request still running after this long answers 503; default REQUEST_TIMEOUT_MS_DEFAULT. */
  requestTimeoutMs?: number;
  /** The claim scrubber's rule file (docs/contracts-and-scrubbing.md); absent: only the built-in structural edits run. */
  scrubRulesFile?: string;
  /** Lines paid below contract by more than this land on the underpayment worklist; default 0. */
  underpaymentToleranceCents?: number;
}

export const RATE_LIMIT_PER_SECOND_DEFAULT = 1_000;
export const REQUEST_TIMEOUT_MS_DEFAULT = 30_000;

export const apiKeysFileOf = (config: LedgerConfig): string => config.apiKeysFile ?? path.join(config.dataDir, 'api-keys.json');

const positiveInteger = (env: NodeJS.ProcessEnv, name: string): number | undefined => {
  const value = env[name];
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number, not ${value}`);
  return n;
};

export const LEDGER_CONFIG = Symbol('LedgerConfig');

export const loadConfig = (env: NodeJS.ProcessEnv = process.env): LedgerConfig => {
  const kind = env['EVENT_STORE'] ?? 'sqlite';
  if (kind !== 'sqlite' && kind !== 'esdb') throw new Error(`EVENT_STORE must be sqlite or esdb, not ${kind}`);
  const port = Number(env['PORT'] ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, not ${env['PORT']}`);
  const auth = env['AUTH'] ?? 'on';
  if (auth !== 'on' && auth !== 'off') throw new Error(`AUTH must be on or off, not ${auth}`);
  const rateLimitPerSecond = positiveInteger(env, 'RATE_LIMIT_PER_SECOND');
  const requestTimeoutMs = positiveInteger(env, 'REQUEST_TIMEOUT_MS');
  const tolerance = env['UNDERPAYMENT_TOLERANCE_CENTS'];
  if (tolerance !== undefined && !(/^\d{1,12}$/.test(tolerance))) throw new Error(`UNDERPAYMENT_TOLERANCE_CENTS must be whole cents (0 or more), not ${tolerance}`);
  return {
    eventStore: kind,
    dataDir: path.resolve(env['LEDGER_DATA_DIR'] ?? './data'),
    host: env['HOST'] ?? '127.0.0.1',
    port,
    esdbConnectionString: env['EVENTSTORE_CONNECTION_STRING'],
    auth: auth === 'off' ? 'off' : 'on',
    ...(env['LEDGER_API_KEYS_FILE'] !== undefined && { apiKeysFile: path.resolve(env['LEDGER_API_KEYS_FILE']) }),
    ...(rateLimitPerSecond !== undefined && { rateLimitPerSecond }),
    ...(requestTimeoutMs !== undefined && { requestTimeoutMs }),
    ...(env['SCRUB_RULES_FILE'] !== undefined && env['SCRUB_RULES_FILE'] !== '' && { scrubRulesFile: path.resolve(env['SCRUB_RULES_FILE']) }),
    ...(tolerance !== undefined && { underpaymentToleranceCents: Number(tolerance) }),
  };
};
