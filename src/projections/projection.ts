import type { RecordedEvent } from '../event-store/event-store';
import type { ReadDatabase } from './read-store';

/**
 * A read model: `name`, `version`, the event types it `handles`, and `apply`. The runner owns
 * ordering, batching, checkpoints and database transactions; a projection never reads the store.
 * Bumping `version` drops and rebuilds it from position 0 on the next start.
 */
export interface Projection {
  readonly name: string;
  readonly version: number;
  readonly handles: Pick<ReadonlySet<string>, 'has'>;
  /** Creates the projection's tables if absent. */
  setup(db: ReadDatabase): void;
  /**
   * Creates the secondary indexes if absent. Kept apart from `setup` so that a rebuild inserts
   * its rows first and builds each index once at the end, instead of maintaining it per row.
   */
  setupIndexes?(db: ReadDatabase): void;
  /** Drops the projection's tables (a rebuild follows). */
  drop(db: ReadDatabase): void;
  /** Applies one event inside the runner's transaction. */
  apply(db: ReadDatabase, event: RecordedEvent): void;
  /** After the last event of a batch, still inside its transaction: write what apply kept in memory. */
  endBatch?(db: ReadDatabase): void;
  /** The batch's transaction rolled back: forget what apply kept in memory. */
  abortBatch?(db: ReadDatabase): void;
}
