/**
 * Random ledgers for the finance property tests: several claims of two patients at two payers,
 * driven through the real deciders (as src/claims/claim.property.spec.ts does for one claim).
 * A ledger is a script of steps with random picks, interpreted against the current states, so
 * fast-check shrinks a failure to a short story. Steps a decider refuses (422) are skipped.
 */
import fc from 'fast-check';
import { balancesOf, openLineNumbers, WRITE_OFF_REASONS, evolveClaim, type Adjustment, type Claim, type ClaimFoldEvent, type RemittanceLine } from '../../src/claims/claim';
import { correctClaim } from '../../src/claims/correct-claim/correct-claim';
import { postRemittance } from '../../src/claims/post-remittance/post-remittance';
import { postWriteOff } from '../../src/claims/post-write-off/post-write-off';
import { receiveDenial } from '../../src/claims/receive-denial/receive-denial';
import { rejectClaim } from '../../src/claims/reject-claim/reject-claim';
import { resubmitClaim } from '../../src/claims/resubmit-claim/resubmit-claim';
import { reverseRemittance } from '../../src/claims/reverse-remittance/reverse-remittance';
import { submitClaim } from '../../src/claims/submit-claim/submit-claim';
import { voidClaim } from '../../src/claims/void-claim/void-claim';
import { RuleViolation } from '../../src/common/errors';
import { sumCents } from '../../src/common/money';
import { codeEncounter } from '../../src/encounters/code-encounter/code-encounter';
import { evolveEncounter, initialEncounterState, type ServiceLine } from '../../src/encounters/encounter';
import { issuePatientRefund } from '../../src/patients/issue-refund/issue-refund';
import { evolvePatient, initialPatientState, type Patient, type PatientEvent } from '../../src/patients/patient';
import { receivePatientPayment } from '../../src/patients/receive-payment/receive-payment';
import { Picks } from '../support/picks';

export const STEPS_MAX = 40;
const LINES_MAX = 4;
const LINE_CHARGE_MAX_CENTS = 250_000;
const PICKS_PER_STEP = 10;
const DAY_MS = 86_400_000;
export const START_MS = Date.UTC(2025, 0, 2);

/** Three claims: two for patient A (at two payers), one for patient B. */
export const CLAIMS = [
  { claimId: 'clm-a1', patientId: 'pat-a', payerId: 'payer-1' },
  { claimId: 'clm-a2', patientId: 'pat-a', payerId: 'payer-2' },
  { claimId: 'clm-b1', patientId: 'pat-b', payerId: 'payer-1' },
] as const;
export const PATIENTS = ['pat-a', 'pat-b'] as const;

const ACTIONS = ['submit', 'deny', 'remit', 'reverse', 'reject', 'correct', 'resubmit', 'writeOff', 'pay', 'refund', 'void', 'wait'] as const;
type Action = (typeof ACTIONS)[number];

export interface Step {
  action: Action;
  claim: number;
  picks: number[];
}

export interface Script {
  chargesCents: number[][];
  steps: Step[];
}

const stepArb: fc.Arbitrary<Step> = fc.record({
  action: fc.constantFrom(...ACTIONS),
  claim: fc.nat({ max: CLAIMS.length - 1 }),
  picks: fc.array(fc.nat(), { minLength: PICKS_PER_STEP, maxLength: PICKS_PER_STEP }),
});

export const scriptArb: fc.Arbitrary<Script> = fc.record({
  chargesCents: fc.tuple(
    ...CLAIMS.map(() => fc.array(fc.integer({ min: 0, max: LINE_CHARGE_MAX_CENTS }), { minLength: 1, maxLength: LINES_MAX })),
  ) as fc.Arbitrary<number[][]>,
  steps: fc.array(stepArb, { maxLength: STEPS_MAX, size: 'max' }),
});

const serviceLines = (chargesCents: readonly number[]): ServiceLine[] =>
  chargesCents.map((chargeCents, i) => ({ lineNumber: i + 1, procedureCode: '99213', modifiers: [], units: 1, chargeCents, diagnosisPointers: [1] }));

const remittanceLineFor = (line: ServiceLine, p: Picks): RemittanceLine => {
  const paidCents = p.int(0, line.chargeCents);
  const contractualCents = p.upTo(0, line.chargeCents - paidCents);
  const patientCents = line.chargeCents - paidCents - contractualCents;
  const adjustments: Adjustment[] = [];
  if (contractualCents > 0) adjustments.push({ group: p.one(['CO', 'OA', 'PI'] as const), reason: '45', amountCents: contractualCents });
  if (patientCents > 0) adjustments.push({ group: 'PR', reason: p.one(['1', '2', '3']), amountCents: patientCents });
  return { lineNumber: line.lineNumber, paidCents, adjustments };
};

/** An event as it would be stored: its stream, and the business instant of the step that made it. */
export interface LedgerEvent {
  streamId: string;
  event: ClaimFoldEvent;
  /** Milliseconds since the epoch: the ledger records events at strictly increasing instants. */
  atMs: number;
}

interface World {
  claims: Map<string, Claim>;
  patients: Map<string, Patient>;
  submitted: number;
  counter: number;
  nowMs: number;
}

const decideStep = (step: Step, world: World, script: Script): ClaimFoldEvent[] | null => {
  const p = new Picks(step.picks);
  const id = (prefix: string): string => `${prefix}-${world.counter}`;
  const at = new Date(world.nowMs).toISOString();
  if (step.action === 'wait') {
    world.nowMs += p.int(1, 200) * DAY_MS;
    return null;
  }
  if (step.action === 'submit') {
    const next = CLAIMS[world.submitted];
    if (next === undefined) return null;
    const lines = serviceLines(script.chargesCents[world.submitted] ?? [1]);
    const encounterId = `enc-${next.claimId}`;
    const coded = codeEncounter(
      { encounterId, patientId: next.patientId, providerNpi: '1234567893', dateOfService: '2025-01-01', diagnoses: ['E11.9'], lines },
      initialEncounterState,
    );
    const encounter = coded.reduce(evolveEncounter, initialEncounterState);
    world.submitted += 1;
    return submitClaim({ claimId: next.claimId, encounterId, payerId: next.payerId, memberId: 'W1', submittedAt: at }, encounter, null).claimEvents;
  }
  const target = CLAIMS[step.claim % Math.max(1, world.submitted)];
  const claim = target === undefined ? undefined : world.claims.get(target.claimId);
  if (target === undefined || claim === undefined) return null;
  const claimId = claim.claimId;
  const patient = world.patients.get(claim.patientId) ?? initialPatientState(claim.patientId);
  const balances = balancesOf(claim.money);
  switch (step.action) {
    case 'deny': {
      const open = openLineNumbers(claim);
      const lineNumbers = open.length === 0 || p.bool() ? undefined : p.some(open);
      return receiveDenial(
        { claimId, remittanceId: id('era'), adjustments: [{ group: 'CO', reason: '16', amountCents: 100 }], remarks: ['N130'], receivedAt: at, ...(lineNumbers !== undefined && { lineNumbers }) },
        claim,
      );
    }
    case 'remit': {
      const open = openLineNumbers(claim);
      if (open.length === 0) return null;
      const lines = p.some(open).map((n) => remittanceLineFor(claim.lines.find((l) => l.lineNumber === n) as ServiceLine, p));
      const linePaidCents = sumCents(lines.map((l) => l.paidCents));
      const claimLevel: Adjustment[] = [];
      if (linePaidCents > 0 && p.bool()) {
        const group = p.one(['CO', 'OA', 'PR'] as const);
        // Negative adjustments happen in real 835s; the journal swaps sides for them.
        const amountCents = p.bool() ? p.int(1, linePaidCents) : -p.int(1, 500);
        claimLevel.push({ group, reason: group === 'PR' ? '1' : '45', amountCents });
      }
      const paidCents = linePaidCents - sumCents(claimLevel.map((a) => a.amountCents));
      return postRemittance({ claimId, remittanceId: id('era'), paidCents, lines, receivedAt: at, ...(claimLevel.length > 0 && { adjustments: claimLevel }) }, claim);
    }
    case 'reverse': {
      const standing = claim.remittances.filter((r) => r.kind === 'payment' && !r.reversed);
      if (standing.length === 0) return null;
      return reverseRemittance({ claimId, remittanceId: p.one(standing).remittanceId, reversedAt: at }, claim);
    }
    case 'reject':
      return rejectClaim({ claimId, reasons: [{ code: 'A7:562', message: 'subscriber identifier invalid' }], rejectedAt: at }, claim);
    case 'correct': {
      const newLines = p.bool() ? serviceLines(Array.from({ length: p.int(1, LINES_MAX) }, () => p.int(0, LINE_CHARGE_MAX_CENTS))) : undefined;
      return correctClaim({ claimId, reason: 'corrected coding', correctedAt: at, ...(newLines !== undefined && { lines: newLines }) }, claim);
    }
    case 'resubmit':
      return resubmitClaim({ claimId, resubmittedAt: at }, claim);
    case 'writeOff': {
      const from = p.one(['payer', 'patient'] as const);
      const availableCents = from === 'payer' ? balances.payerBalanceCents : balances.patientBalanceCents;
      if (availableCents <= 0) return null;
      return postWriteOff({ claimId, amountCents: p.upTo(1, availableCents), from, reason: p.one(WRITE_OFF_REASONS), postedAt: at }, claim);
    }
    case 'pay': {
      // Allocates to any of the patient's claims that owe, and sometimes pays more than is owed (credit).
      const owing = CLAIMS.filter((c) => c.patientId === claim.patientId)
        .map((c) => world.claims.get(c.claimId))
        .filter((c): c is Claim => c !== undefined && balancesOf(c.money).patientBalanceCents > 0);
      const allocations = owing.filter(() => p.bool()).map((c) => ({ claimId: c.claimId, amountCents: p.upTo(1, balancesOf(c.money).patientBalanceCents) }));
      const amountCents = sumCents(allocations.map((a) => a.amountCents)) + p.int(0, 5_000);
      if (amountCents === 0) return null;
      return receivePatientPayment(
        { patientId: claim.patientId, paymentId: id('pay'), amountCents, method: p.one(['cash', 'card', 'check', 'ach'] as const), receivedAt: at, allocations },
        patient,
        world.claims,
      );
    }
    case 'refund': {
      const claimCreditCents = Math.min(-balances.patientBalanceCents, claim.money.patientPaidCents);
      if (claimCreditCents > 0 && (patient.unallocatedCreditCents <= 0 || p.bool())) {
        return issuePatientRefund({ patientId: claim.patientId, refundId: id('ref'), amountCents: p.upTo(1, claimCreditCents), claimId, issuedAt: at }, patient, claim);
      }
      if (patient.unallocatedCreditCents <= 0) return null;
      return issuePatientRefund({ patientId: claim.patientId, refundId: id('ref'), amountCents: p.upTo(1, patient.unallocatedCreditCents), issuedAt: at }, patient, claim);
    }
    case 'void':
      return voidClaim({ claimId, reason: 'billed in error', voidedAt: at }, claim);
    default:
      throw new Error(`unknown action ${step.action}`);
  }
};

const isPatientEvent = (event: ClaimFoldEvent): event is PatientEvent => event.type === 'PatientPaymentReceived' || event.type === 'PatientRefundIssued';

/** Plays the script: the first claim is submitted up front, the others when a `submit` step comes. */
export const ledgerOf = (script: Script): LedgerEvent[] => {
  const world: World = { claims: new Map(), patients: new Map(), submitted: 0, counter: 0, nowMs: START_MS };
  const out: LedgerEvent[] = [];
  for (const step of [{ action: 'submit' as const, claim: 0, picks: [0] }, ...script.steps]) {
    world.counter += 1;
    let events: ClaimFoldEvent[] | null;
    try {
      events = decideStep(step, world, script);
    } catch (error) {
      if (error instanceof RuleViolation) continue;
      throw error;
    }
    for (const event of events ?? []) {
      world.nowMs += 60_000;
      if (isPatientEvent(event)) {
        const patientId = event.data.patientId;
        world.patients.set(patientId, evolvePatient(world.patients.get(patientId) ?? initialPatientState(patientId), event));
        for (const [claimId, claim] of world.claims) {
          const after = evolveClaim(claim, event);
          if (after !== null) world.claims.set(claimId, after);
        }
        out.push({ streamId: `patient-${patientId}`, event, atMs: world.nowMs });
      } else {
        const claimId = event.data.claimId;
        const after = evolveClaim(world.claims.get(claimId) ?? null, event);
        if (after !== null) world.claims.set(claimId, after);
        out.push({ streamId: `claim-${claimId}`, event, atMs: world.nowMs });
      }
    }
  }
  return out;
};
