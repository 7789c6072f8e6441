import path from 'node:path';
import type { LedgerConfig } from '../common/config';
import { openEventStore } from '../event-store/open-event-store';
import { ALL_PROJECTIONS } from '../projections/all-projections';
import { ProjectionRunner } from '../projections/projection-runner';
import { openReadDatabase } from '../projections/read-store';
import { progressBar } from './progress';

/** Drops and replays projections from position 0. Run it with the server stopped. */
export const rebuild = async (config: LedgerConfig, names: readonly string[]): Promise<{ events: number; seconds: number }> => {
  const store = openEventStore(config);
  const db = openReadDatabase(path.join(config.dataDir, 'read.sqlite'));
  try {
    const runner = new ProjectionRunner(store, db, ALL_PROJECTIONS);
    const head = await store.headPosition();
    const bar = progressBar(`rebuild ${names.length === 0 ? 'all projections' : names.join(', ')}`, Number(head));
    const started = performance.now();
    await runner.rebuild(names, (position) => bar.update(Number(position)));
    bar.update(Number(head));
    bar.stop();
    return { events: Number(head), seconds: (performance.now() - started) / 1000 };
  } finally {
    db.close();
    await store.close();
  }
};
