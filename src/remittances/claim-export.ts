import { createHash } from 'node:crypto';
import { loadClaim } from '../claims/claim-repository';
import type { DenialReceived, RemittancePosted } from '../claims/claim';
import { NotFound } from '../common/errors';
import type { EventStore } from '../event-store/event-store';
import { build837P, type Built837, type Export837Profile } from './export-837';

/** ISA13 is nine digits. */
const CONTROL_NUMBER_MODULUS = 1_000_000_000;

/**
 * A control number derived from the claim and its revision: exporting the same claim state
 * twice gives the same file, and a later state a different interchange.
 */
export const controlNumberFor = (claimId: string, revision: number): number =>
  (Number.parseInt(createHash('sha256').update(`${claimId}\u0000${revision}`).digest('hex').slice(0, 12), 16) % (CONTROL_NUMBER_MODULUS - 1)) + 1;

/**
 * The 837P for a claim as it stands. The payer claim control number a replacement or a void
 * quotes is the one of the payer's latest adjudication (CLP07, kept on the remittance or denial).
 */
export const export837 = async (
  store: EventStore,
  claimId: string,
  createdAt: string,
  profile?: Export837Profile,
): Promise<Built837 & { claimId: string; payerClaimControlNumber?: string }> => {
  const loaded = await loadClaim(store, claimId);
  if (loaded.state === null) throw new NotFound(`claim ${claimId} does not exist`);
  const adjudications = loaded.events.filter((e) => e.type === 'RemittancePosted' || e.type === 'DenialReceived');
  const numbers = adjudications
    .map((e) => (e.data as RemittancePosted['data'] | DenialReceived['data']).payerClaimControlNumber)
    .filter((n): n is string => n !== undefined && n !== '');
  const payerClaimControlNumber = numbers[numbers.length - 1];
  const built = build837P({
    claim: loaded.state,
    ...(payerClaimControlNumber !== undefined && { payerClaimControlNumber }),
    controlNumber: controlNumberFor(claimId, loaded.revision),
    createdAt,
    ...(profile !== undefined && { profile }),
  });
  return { ...built, claimId, ...(payerClaimControlNumber !== undefined && { payerClaimControlNumber }) };
};
