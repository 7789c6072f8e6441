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
}

export const LEDGER_CONFIG = Symbol('LedgerConfig');

export const loadConfig = (env: NodeJS.ProcessEnv = process.env): LedgerConfig => {
  const kind = env['EVENT_STORE'] ?? 'sqlite';
  if (kind !== 'sqlite' && kind !== 'esdb') throw new Error(`EVENT_STORE must be sqlite or esdb, not ${kind}`);
  const port = Number(env['PORT'] ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, not ${env['PORT']}`);
  return {
    eventStore: kind,
    dataDir: path.resolve(env['LEDGER_DATA_DIR'] ?? './data'),
    host: env['HOST'] ?? '127.0.0.1',
    port,
    esdbConnectionString: env['EVENTSTORE_CONNECTION_STRING'],
  };
};
