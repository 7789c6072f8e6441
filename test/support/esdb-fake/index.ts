export { FakeEventStoreDb, type FakeEventStoreDbOptions, type FakeEventStoreDbStats, type RpcName } from './fake-event-store-db';

/** Which EventStoreDB the esdb tests talk to: the in-process fake, or a real one (`npm run test:esdb`). */
export type EsdbTarget = { kind: 'fake' } | { kind: 'real'; connectionString: string };

/** Env var `npm run test:esdb` sets; the real server is then named by EVENTSTORE_CONNECTION_STRING. */
export const ESDB_TARGET_ENV = 'BL_ESDB_TARGET';

export function esdbTarget(env: NodeJS.ProcessEnv = process.env): EsdbTarget {
  if (env[ESDB_TARGET_ENV] !== 'real') return { kind: 'fake' };
  const connectionString = env['EVENTSTORE_CONNECTION_STRING'];
  if (connectionString === undefined || connectionString === '') {
    throw new Error(`${ESDB_TARGET_ENV}=real (npm run test:esdb) needs EVENTSTORE_CONNECTION_STRING, e.g. esdb://localhost:2113?tls=false`);
  }
  return { kind: 'real', connectionString };
}
