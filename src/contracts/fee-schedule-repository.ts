import { Inject, Injectable } from '@nestjs/common';
import type { LoadedStream } from '../common/command-handler';
import { EVENT_STORE, type EventStore } from '../event-store/event-store';
import { evolveFeeSchedules, feeScheduleStreamId, initialFeeSchedules, type FeeScheduleEvent, type FeeSchedules } from './fee-schedule';

/** Payers whose folded schedules stay in memory; past this the least recently used is dropped (and re-read when needed). */
export const FEE_SCHEDULE_CACHE_PAYERS_MAX = 1_000;

/**
 * Loads a payer's fee schedules. Every claim submission prices against them, and a schedule can
 * be thousands of rows, so the fold is kept per payer and only events past the cached revision
 * are read: still read from the store each time, so a schedule loaded by another process counts.
 */
@Injectable()
export class FeeScheduleRepository {
  private readonly cache = new Map<string, LoadedStream<FeeSchedules>>();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async load(payerId: string): Promise<LoadedStream<FeeSchedules>> {
    const cached = this.cache.get(payerId) ?? { state: initialFeeSchedules, revision: -1, idempotencyKeys: new Set<string>() };
    const events = await this.store.readStream(feeScheduleStreamId(payerId), { fromRevision: cached.revision + 1 });
    let loaded = cached;
    if (events.length > 0) {
      const keys = new Set(cached.idempotencyKeys);
      let state = cached.state;
      let revision = cached.revision;
      for (const event of events) {
        state = evolveFeeSchedules(state, { type: event.type, data: event.data } as FeeScheduleEvent);
        if (event.metadata.idempotencyKey !== undefined) keys.add(event.metadata.idempotencyKey);
        revision = event.revision;
      }
      loaded = { state, revision, idempotencyKeys: keys };
    }
    if (loaded.revision >= 0) this.remember(payerId, loaded);
    return loaded;
  }

  private remember(payerId: string, loaded: LoadedStream<FeeSchedules>): void {
    this.cache.delete(payerId);
    this.cache.set(payerId, loaded);
    if (this.cache.size > FEE_SCHEDULE_CACHE_PAYERS_MAX) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }
}
