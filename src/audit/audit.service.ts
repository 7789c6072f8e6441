import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type Position } from '../event-store/event-store';
import { ProjectionRunner } from '../projections/projection-runner';
import { READ_DATABASE } from '../projections/projections.module';
import type { ReadDatabase } from '../projections/read-store';
import { buildAuditPackage, digestFrom, type AuditPackage, type LedgerDigest } from './audit-package';
import { digestCheckpointAtOrBefore } from './ledger-digest.projection';

@Injectable()
export class AuditService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_DATABASE) private readonly db: ReadDatabase,
    private readonly runner: ProjectionRunner,
  ) {}

  /** The ledger digest at `position` (default: the head), from the nearest stored checkpoint plus the events after it. */
  async digestAt(position?: Position): Promise<LedgerDigest> {
    const head = await this.store.headPosition();
    const target = position === undefined || position > head ? head : position;
    await this.runner.waitFor(target);
    const start = digestCheckpointAtOrBefore(this.db, target);
    return digestFrom(this.store, { position: start.position, digest: start.digest }, target);
  }

  async claimPackage(claimId: string, exportedAt: string): Promise<AuditPackage | null> {
    return buildAuditPackage(this.store, claimId, await this.digestAt(), exportedAt);
  }
}
