import { toClaimFoldEvent } from '../claims/claim-repository';
import { evolveClaim, initialClaimState, touchesClaim, type ClaimState } from '../claims/claim';
import { toClaimView, type ClaimView } from '../claims/claim-view';
import type { EventMetadata } from '../common/event';
import type { EventStore, Position, RecordedEvent } from '../event-store/event-store';
import { canonicalJson, GENESIS_HASH, HASH_ALGORITHM, nextDigest, sha256Hex } from '../event-store/hash-chain';
import type { PatientEvent } from '../patients/patient';
import { patientStreamId } from '../patients/patient';
import { claimStreamId } from '../claims/claim';
import { checkLink } from './verify-ledger';

export const AUDIT_PACKAGE_FORMAT = 'billing-ledger-audit-package/1';

/** An event as it travels in a package: the stored envelope, with the position as a decimal string. */
export interface PackagedEvent {
  id: string;
  type: string;
  streamId: string;
  revision: number;
  position: string;
  data: unknown;
  metadata: EventMetadata;
}

export interface LedgerDigest {
  position: string;
  digest: string;
}

export interface AuditPackage {
  format: typeof AUDIT_PACKAGE_FORMAT;
  algorithm: string;
  claimId: string;
  exportedAt: string;
  /** The whole ledger's digest when the package was made: anchor it outside the ledger. */
  ledger: LedgerDigest;
  /** Complete streams (from revision 0), so every chain re-verifies from its genesis. */
  streams: Array<{ streamId: string; events: PackagedEvent[] }>;
  /** The claim replayed from these events: what the books said at export time. */
  claim: ClaimView | null;
  /** SHA-256 of the canonical JSON of every other field. */
  packageHash: string;
}

const packaged = (event: RecordedEvent): PackagedEvent => ({
  id: event.id,
  type: event.type,
  streamId: event.streamId,
  revision: event.revision,
  position: String(event.position),
  data: event.data,
  metadata: event.metadata,
});

const unpackaged = (event: PackagedEvent): RecordedEvent => ({ ...event, position: BigInt(event.position) });

/** The claim folded from the package's streams, in global order. */
const replayClaim = (claimId: string, streams: AuditPackage['streams']): ClaimView | null => {
  const events = streams
    .flatMap((s) => s.events)
    .filter((e) => e.streamId === claimStreamId(claimId) || touchesClaim({ type: e.type, data: e.data } as PatientEvent, claimId))
    .sort((a, b) => (BigInt(a.position) < BigInt(b.position) ? -1 : 1));
  let state: ClaimState = initialClaimState;
  let revision = -1;
  for (const event of events) {
    state = evolveClaim(state, toClaimFoldEvent(unpackaged(event)));
    if (event.streamId === claimStreamId(claimId)) revision = event.revision;
  }
  return state === null ? null : toClaimView(state, revision);
};

const hashOf = (pkg: Omit<AuditPackage, 'packageHash'>): string => sha256Hex(canonicalJson(pkg));

/** The ledger digest at `position`, continuing from a known earlier digest. */
export const digestFrom = async (store: EventStore, start: { position: Position; digest: string }, position: Position): Promise<LedgerDigest> => {
  let digest = start.digest;
  let after = start.position;
  while (after < position) {
    const page = await store.readAll(after, { maxCount: 1_000 });
    const inRange = page.filter((e) => e.position <= position);
    for (const event of inRange) digest = nextDigest(digest, String(event.metadata.hash));
    const last = page[page.length - 1];
    if (!last || inRange.length < page.length) break;
    after = last.position;
  }
  return { position: String(position), digest };
};

export const buildAuditPackage = async (
  store: EventStore,
  claimId: string,
  ledger: LedgerDigest,
  exportedAt: string,
): Promise<AuditPackage | null> => {
  const claimEvents = await store.readStream(claimStreamId(claimId));
  const first = claimEvents[0];
  if (!first) return null;
  const cutoff = BigInt(ledger.position);
  const patientId = (first.data as { patientId: string }).patientId;
  const patientEvents = await store.readStream(patientStreamId(patientId));
  const streams = [
    { streamId: claimStreamId(claimId), events: claimEvents.filter((e) => e.position <= cutoff).map(packaged) },
    { streamId: patientStreamId(patientId), events: patientEvents.filter((e) => e.position <= cutoff).map(packaged) },
  ].filter((s) => s.events.length > 0);
  const body: Omit<AuditPackage, 'packageHash'> = {
    format: AUDIT_PACKAGE_FORMAT,
    algorithm: HASH_ALGORITHM,
    claimId,
    exportedAt,
    ledger,
    streams,
    claim: replayClaim(claimId, streams),
  };
  return { ...body, packageHash: hashOf(body) };
};

/** The package as written to a file: canonical JSON, so every byte is significant. */
export const serializeAuditPackage = (pkg: AuditPackage): string => canonicalJson(pkg);

export interface PackageVerdict {
  ok: boolean;
  problems: string[];
  claimId?: string;
  events?: number;
  ledger?: LedgerDigest;
}

/** Checks a package offline: its own hash, every stream chain from genesis, and the claim replayed from its events. */
export const verifyAuditPackage = (text: string): PackageVerdict => {
  let pkg: AuditPackage;
  try {
    pkg = JSON.parse(text) as AuditPackage;
  } catch (error) {
    return { ok: false, problems: [`not JSON: ${(error as Error).message}`] };
  }
  if (pkg === null || typeof pkg !== 'object' || pkg.format !== AUDIT_PACKAGE_FORMAT) {
    return { ok: false, problems: [`not a ${AUDIT_PACKAGE_FORMAT} package`] };
  }
  const problems: string[] = [];
  if (serializeAuditPackage(pkg) !== text) problems.push('the file is not in canonical form: it was reformatted or edited');
  const { packageHash, ...body } = pkg;
  if (hashOf(body) !== packageHash) problems.push(`packageHash does not match the contents (expected ${hashOf(body)}, found ${packageHash})`);
  if (pkg.algorithm !== HASH_ALGORITHM) problems.push(`unknown hash algorithm ${pkg.algorithm}`);
  let events = 0;
  for (const stream of Array.isArray(pkg.streams) ? pkg.streams : []) {
    let previous: { revision: number; hash: string } | undefined;
    for (const event of stream.events) {
      events += 1;
      if (event.streamId !== stream.streamId) problems.push(`event ${event.id} is filed under ${stream.streamId} but belongs to ${event.streamId}`);
      const broken = checkLink(unpackaged(event), previous);
      if (broken) {
        problems.push(`${broken.streamId} revision ${broken.revision}: ${broken.field} expected ${broken.expected}, found ${broken.found}`);
        break;
      }
      previous = { revision: event.revision, hash: String(event.metadata.hash) };
      if (BigInt(event.position) > BigInt(pkg.ledger.position)) problems.push(`event at position ${event.position} is after the package's ledger position`);
    }
    if (stream.events[0] && stream.events[0].metadata.prevHash !== GENESIS_HASH) problems.push(`${stream.streamId} does not start at its genesis`);
  }
  if (canonicalJson(replayClaim(pkg.claimId, pkg.streams ?? [])) !== canonicalJson(pkg.claim)) {
    problems.push('the claim in the package is not what its events replay to');
  }
  return { ok: problems.length === 0, problems, claimId: pkg.claimId, events, ledger: pkg.ledger };
};
