import { Inject, Injectable } from '@nestjs/common';
import type { LoadedStream } from '../common/command-handler';
import { FoldedStreams } from '../common/folded-streams';
import { EVENT_STORE, type EventStore } from '../event-store/event-store';
import { evolveFeeSchedules, feeScheduleStreamId, initialFeeSchedules, type FeeSchedules } from './fee-schedule';

/** Payers whose folded schedules stay in memory; past this the least recently used is dropped (and re-read when needed). */
export const FEE_SCHEDULE_CACHE_PAYERS_MAX = 1_000;

/**
 * Loads a payer's fee schedules. Every claim submission prices against them, and a schedule can
 * be thousands of rows, so the fold is kept per payer and only events past the cached revision
 * are read: still read from the store each time, so a schedule loaded by another process counts.
 */
@Injectable()
export class FeeScheduleRepository {
  private readonly folds = new FoldedStreams(FEE_SCHEDULE_CACHE_PAYERS_MAX);

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  load(payerId: string): Promise<LoadedStream<FeeSchedules>> {
    return this.folds.load(this.store, feeScheduleStreamId(payerId), initialFeeSchedules, evolveFeeSchedules);
  }
}
