import { Injectable } from '@nestjs/common';
import { LruMap } from '../common/lru-map';
import { FOLDED_STREAMS_MAX } from '../common/folded-streams';
import type { LoadedStream } from '../common/command-handler';
import type { EventStore, Position } from '../event-store/event-store';
import { patientStreamId } from '../patients/patient';
import { claimStreamId, type Claim, type ClaimState } from './claim';
import { foldClaimEvents, loadClaim, type LoadedClaim } from './claim-repository';

type FoldedClaim = Omit<LoadedClaim, 'events'> & { state: Claim };

/**
 * Claims folded for the write side, kept in memory: a command reads only the events appended to
 * the claim and to its patient's stream since the claim was last folded. The store is asked every
 * time, so another process's appends count; if they interleave with what was folded (a new event
 * positioned before one already read), the claim is folded again from scratch.
 */
@Injectable()
export class ClaimFolds {
  private readonly cache = new LruMap<string, FoldedClaim>(FOLDED_STREAMS_MAX);

  async load(store: EventStore, claimId: string): Promise<Omit<LoadedClaim, 'events'>> {
    const cached = this.cache.get(claimId);
    if (cached === undefined) return this.remember(claimId, await loadClaim(store, claimId));
    const [own, patientEvents] = await Promise.all([
      store.readStream(claimStreamId(claimId), { fromRevision: cached.revision + 1 }),
      store.readStream(patientStreamId(cached.state.patientId), { fromRevision: cached.patientRevision + 1 }),
    ]);
    if (own.length === 0 && patientEvents.length === 0) return cached;
    const earliest = [own[0]?.position, patientEvents[0]?.position].filter((p) => p !== undefined).reduce((a, b) => (a < b ? a : b));
    if (earliest <= cached.readThrough) return this.remember(claimId, await loadClaim(store, claimId));
    const folded = foldClaimEvents(cached, claimId, own, patientEvents);
    const latest = [own[own.length - 1]?.position ?? 0n, patientEvents[patientEvents.length - 1]?.position ?? 0n].reduce((a, b) => (a > b ? a : b));
    return this.remember(claimId, {
      state: folded.state,
      revision: folded.revision,
      idempotencyKeys: folded.idempotencyKeys,
      patientRevision: patientEvents[patientEvents.length - 1]?.revision ?? cached.patientRevision,
      readThrough: latest,
    });
  }

  /**
   * Keeps the claim as a command left it, so it is not read back: `base` is what the command loaded,
   * `after` the claim once its events were appended at `position`. The patient stream is taken as
   * `base` read it; a patient event that another process slipped in before `position` is caught by
   * the interleaving check of the next load.
   */
  appended(claimId: string, base: Omit<LoadedClaim, 'events'>, after: LoadedStream<ClaimState>, position: Position): void {
    this.remember(claimId, { ...after, patientRevision: base.patientRevision, readThrough: position });
  }

  /** The patient a claim belongs to, from memory when the claim has been folded, or null for no such claim. */
  async patientOf(store: EventStore, claimId: string): Promise<string | null> {
    const cached = this.cache.get(claimId);
    if (cached !== undefined) return cached.state.patientId;
    const [first] = await store.readStream(claimStreamId(claimId), { maxCount: 1 });
    return first === undefined ? null : (first.data as { patientId: string }).patientId;
  }

  private remember(claimId: string, loaded: Omit<LoadedClaim, 'events'> & Partial<Pick<LoadedClaim, 'events'>>): Omit<LoadedClaim, 'events'> {
    const { events: _events, ...folded } = loaded;
    if (folded.state === null) return folded;
    const latest = this.cache.get(claimId);
    if (latest === undefined || latest.readThrough < folded.readThrough) this.cache.set(claimId, folded as FoldedClaim);
    return folded;
  }
}
