import { loadClaim, toClaimFoldEvent, type ReplayCutoff } from '../claims/claim-repository';
import { balancesOf, evolveClaim, initialClaimState, type ClaimState } from '../claims/claim';
import type { LedgerConfig } from '../common/config';
import { NotFound } from '../common/errors';
import { openEventStore } from '../event-store/open-event-store';
import type { RecordedEvent } from '../event-store/event-store';

const money = (cents: number): string => `${cents < 0 ? '-' : ''}$${(Math.abs(cents) / 100).toFixed(2)}`;

/** One line of what the event did, in billing words. */
const describe = (event: RecordedEvent, after: ClaimState): string => {
  const d = event.data as Record<string, unknown>;
  switch (event.type) {
    case 'ClaimSubmitted':
      return `original claim (frequency 1) submitted to ${d['payerId']} for ${money(d['totalChargeCents'] as number)} (member ${d['memberId']}, DOS ${d['dateOfService']})`;
    case 'ClaimRejected':
      return `rejected: ${(d['reasons'] as Array<{ code: string; message: string }>).map((r) => `${r.code} ${r.message}`).join('; ')}`;
    case 'DenialReceived':
      return `denied ${d['lineNumbers'] ? `lines ${(d['lineNumbers'] as number[]).join(',')}` : 'whole claim'} by ${d['remittanceId']}: ${(d['adjustments'] as Array<{ group: string; reason: string }>).map((a) => `${a.group}-${a.reason}`).join(' ')}`;
    case 'ClaimCorrected':
      return `corrected: ${d['reason']}`;
    case 'ClaimResubmitted':
      return `replacement claim (frequency 7) sent: submission ${after?.submissionCount ?? '?'}`;
    case 'RemittancePosted':
      return `remittance ${d['remittanceId']}${d['payerClaimControlNumber'] ? ` (payer claim ${d['payerClaimControlNumber']})` : ''} paid ${money(d['paidCents'] as number)} on lines ${(d['lines'] as Array<{ lineNumber: number }>).map((l) => l.lineNumber).join(',')}`;
    case 'RemittanceReversed':
      return `remittance ${d['remittanceId']} reversed (payer take-back)`;
    case 'WriteOffPosted':
      return `wrote off ${money(d['amountCents'] as number)} of the ${d['from']} balance (${d['reason']})`;
    case 'ClaimVoided':
      return `voided (frequency 8): ${d['reason']}`;
    case 'PatientPaymentReceived':
      return `patient payment ${d['paymentId']} (${d['method']}) ${money(d['amountCents'] as number)}`;
    case 'PatientRefundIssued':
      return `patient refund ${d['refundId']} ${money(d['amountCents'] as number)}`;
    default:
      return event.type;
  }
};

/** A readable timeline of one claim: each event, who, when, and the balances after it. */
export const replayClaim = async (config: LedgerConfig, claimId: string, cutoff?: ReplayCutoff): Promise<string[]> => {
  const store = openEventStore(config);
  try {
    const loaded = await loadClaim(store, claimId, cutoff);
    if (loaded.events.length === 0) throw new NotFound(`claim ${claimId} has no events${cutoff ? ' at that point' : ''}`);
    const lines = [`claim ${claimId}: ${loaded.events.length} events`];
    let state: ClaimState = initialClaimState;
    for (const event of loaded.events) {
      state = evolveClaim(state, toClaimFoldEvent(event));
      const b = state === null ? null : balancesOf(state.money);
      lines.push(
        `#${event.position} ${event.metadata.recordedAt} ${event.metadata.actor} (${event.metadata.source}) ${describe(event, state)}`,
        b && state
          ? `    → ${state.status}; payer owes ${money(b.payerBalanceCents)}, patient owes ${money(b.patientBalanceCents)}, balance ${money(b.balanceCents)} (charges ${money(b.chargesCents)}, paid ${money(b.payerPaidCents + b.patientPaidCents)}, adjusted ${money(b.contractualAdjustmentCents)}, written off ${money(b.writeOffCents)})`
          : '',
      );
    }
    return lines.filter((l) => l !== '');
  } finally {
    await store.close();
  }
};
