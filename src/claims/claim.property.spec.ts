/**
 * Random valid claim lifecycles, driven through the real deciders: whatever they accept is folded
 * with evolveClaim, and the money must add up after every single event (DESIGN.md "Claim status
 * and balances"). A lifecycle is a script of steps with random picks, interpreted against the
 * current state, so fast-check can shrink a failure to a short story and replay it from its seed.
 */
import fc from 'fast-check';
import { RuleViolation } from '../common/errors';
import { sumCents } from '../common/money';
import { codeEncounter } from '../encounters/code-encounter/code-encounter';
import { evolveEncounter, initialEncounterState, type ServiceLine } from '../encounters/encounter';
import { issuePatientRefund } from '../patients/issue-refund/issue-refund';
import { evolvePatient, initialPatientState, type Patient, type PatientEvent } from '../patients/patient';
import { receivePatientPayment } from '../patients/receive-payment/receive-payment';
import {
  balancesOf,
  evolveClaim,
  initialClaimState,
  openLineNumbers,
  remittanceAdjustments,
  splitAdjustments,
  totalChargeCents,
  WRITE_OFF_REASONS,
  type Adjustment,
  type Claim,
  type ClaimFoldEvent,
  type ClaimMoney,
  type ClaimState,
  type RemittanceLine,
} from './claim';
import { correctClaim } from './correct-claim/correct-claim';
import { postRemittance } from './post-remittance/post-remittance';
import { postWriteOff } from './post-write-off/post-write-off';
import { receiveDenial } from './receive-denial/receive-denial';
import { rejectClaim } from './reject-claim/reject-claim';
import { resubmitClaim } from './resubmit-claim/resubmit-claim';
import { reverseRemittance } from './reverse-remittance/reverse-remittance';
import { submitClaim } from './submit-claim/submit-claim';
import { voidClaim } from './void-claim/void-claim';
import { Picks } from '../../test/support/picks';

const NUM_RUNS = 200;
const STEPS_MAX = 30;
const LINES_MAX = 5;
const LINE_CHARGE_MAX_CENTS = 250_000;
const PICKS_PER_STEP = 8;

const CLAIM_ID = 'clm-prop';
const PATIENT_ID = 'pat-prop';
const ENCOUNTER_ID = 'enc-prop';
const AT = '2025-04-01T00:00:00Z';
const PROCEDURES = ['99213', '93000', 'G0439', '99214', '36415'];

const ACTIONS = ['deny', 'remit', 'reverse', 'reject', 'correct', 'resubmit', 'writeOff', 'pay', 'refund', 'void'] as const;
type Action = (typeof ACTIONS)[number];

interface Step {
  action: Action;
  picks: number[];
}

interface Script {
  chargesCents: number[];
  steps: Step[];
}

const stepArb: fc.Arbitrary<Step> = fc.record({
  action: fc.constantFrom(...ACTIONS),
  picks: fc.array(fc.nat(), { minLength: PICKS_PER_STEP, maxLength: PICKS_PER_STEP }),
});

const scriptArb: fc.Arbitrary<Script> = fc.record({
  chargesCents: fc.array(fc.integer({ min: 0, max: LINE_CHARGE_MAX_CENTS }), { minLength: 1, maxLength: LINES_MAX }),
  steps: fc.array(stepArb, { maxLength: STEPS_MAX, size: 'max' }),
});

const serviceLines = (chargesCents: readonly number[]): ServiceLine[] =>
  chargesCents.map((chargeCents, i) => ({
    lineNumber: i + 1,
    procedureCode: PROCEDURES[i % PROCEDURES.length] ?? '99213',
    modifiers: [],
    units: 1,
    chargeCents,
    diagnosisPointers: [1],
  }));

/** One line adjudicated: paid, CO-45 contractual, the rest PR (deductible, coinsurance or copay). */
const remittanceLineFor = (line: ServiceLine, p: Picks): RemittanceLine => {
  const paidCents = p.int(0, line.chargeCents);
  const contractualCents = p.upTo(0, line.chargeCents - paidCents);
  const patientCents = line.chargeCents - paidCents - contractualCents;
  const adjustments: Adjustment[] = [];
  if (contractualCents > 0) adjustments.push({ group: 'CO', reason: '45', amountCents: contractualCents });
  if (patientCents > 0) adjustments.push({ group: 'PR', reason: p.one(['1', '2', '3']), amountCents: patientCents });
  return { lineNumber: line.lineNumber, paidCents, adjustments };
};

interface World {
  claim: Claim;
  patient: Patient;
  events: ClaimFoldEvent[];
  counter: number;
}

/** The events one step would append, or null when the step does not apply to the state at all. */
const decideStep = (step: Step, world: World): ClaimFoldEvent[] | null => {
  const p = new Picks(step.picks);
  const { claim, patient } = world;
  const id = (prefix: string): string => `${prefix}-${world.counter}`;
  const balances = balancesOf(claim.money);
  switch (step.action) {
    case 'deny': {
      const open = openLineNumbers(claim);
      const lineNumbers = open.length === 0 || p.bool() ? undefined : p.some(open);
      const deniedCents = sumCents(claim.lines.filter((l) => (lineNumbers ?? open).includes(l.lineNumber)).map((l) => l.chargeCents));
      return receiveDenial(
        {
          claimId: CLAIM_ID,
          remittanceId: id('era'),
          adjustments: [{ group: 'CO', reason: p.one(['16', '50', '97', '29']), amountCents: deniedCents }],
          remarks: [p.one(['N130', 'MA130', 'M15'])],
          receivedAt: AT,
          ...(lineNumbers !== undefined && { lineNumbers }),
        },
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
        claimLevel.push({ group, reason: group === 'PR' ? '1' : group === 'OA' ? '23' : '45', amountCents: p.int(1, linePaidCents) });
      }
      const paidCents = linePaidCents - sumCents(claimLevel.map((a) => a.amountCents));
      return postRemittance(
        { claimId: CLAIM_ID, remittanceId: id('era'), paidCents, lines, receivedAt: AT, ...(claimLevel.length > 0 && { adjustments: claimLevel }) },
        claim,
      );
    }
    case 'reverse': {
      const standing = claim.remittances.filter((r) => r.kind === 'payment' && !r.reversed);
      if (standing.length === 0) return null;
      return reverseRemittance({ claimId: CLAIM_ID, remittanceId: p.one(standing).remittanceId, reversedAt: AT }, claim);
    }
    case 'reject':
      return rejectClaim({ claimId: CLAIM_ID, reasons: [{ code: 'A7:562', message: 'subscriber identifier invalid' }], rejectedAt: AT }, claim);
    case 'correct': {
      const newLines = p.bool() ? serviceLines(Array.from({ length: p.int(1, LINES_MAX) }, () => p.int(0, LINE_CHARGE_MAX_CENTS))) : undefined;
      const newDiagnoses = p.bool() ? ['E11.65', 'I10'] : undefined;
      return correctClaim(
        {
          claimId: CLAIM_ID,
          reason: 'corrected coding',
          correctedAt: AT,
          ...(newLines !== undefined && { lines: newLines }),
          ...(newDiagnoses !== undefined && { diagnoses: newDiagnoses }),
        },
        claim,
      );
    }
    case 'resubmit':
      return resubmitClaim({ claimId: CLAIM_ID, resubmittedAt: AT }, claim);
    case 'writeOff': {
      const from = p.one(['payer', 'patient'] as const);
      const availableCents = from === 'payer' ? balances.payerBalanceCents : balances.patientBalanceCents;
      if (availableCents <= 0) return null;
      // Sometimes exactly what closes the claim, when that is less than this side's balance (the other side holds a credit).
      const closingCents = balances.balanceCents > 0 && balances.balanceCents < availableCents && p.bool() ? balances.balanceCents : null;
      return postWriteOff({ claimId: CLAIM_ID, amountCents: closingCents ?? p.upTo(1, availableCents), from, reason: p.one(WRITE_OFF_REASONS), postedAt: AT }, claim);
    }
    case 'pay': {
      const allocatedCents = balances.patientBalanceCents > 0 && p.bool() ? p.upTo(1, balances.patientBalanceCents) : 0;
      const amountCents = allocatedCents + p.int(0, 5_000);
      if (amountCents === 0) return null;
      return receivePatientPayment(
        {
          patientId: PATIENT_ID,
          paymentId: id('pay'),
          amountCents,
          method: p.one(['cash', 'card', 'check', 'ach'] as const),
          receivedAt: AT,
          allocations: allocatedCents > 0 ? [{ claimId: CLAIM_ID, amountCents: allocatedCents }] : [],
        },
        patient,
        new Map([[CLAIM_ID, claim]]),
      );
    }
    case 'refund': {
      const claimCreditCents = -balances.patientBalanceCents;
      if (claimCreditCents > 0 && (patient.unallocatedCreditCents <= 0 || p.bool())) {
        return issuePatientRefund(
          { patientId: PATIENT_ID, refundId: id('ref'), amountCents: p.upTo(1, claimCreditCents), claimId: CLAIM_ID, issuedAt: AT },
          patient,
          claim,
        );
      }
      if (patient.unallocatedCreditCents <= 0) return null;
      return issuePatientRefund(
        { patientId: PATIENT_ID, refundId: id('ref'), amountCents: p.upTo(1, patient.unallocatedCreditCents), issuedAt: AT },
        patient,
        claim,
      );
    }
    case 'void':
      return voidClaim({ claimId: CLAIM_ID, reason: 'billed in error', voidedAt: AT }, claim);
    default: {
      const unknown: never = step.action;
      return unknown;
    }
  }
};

const isPatientEvent = (event: ClaimFoldEvent): event is PatientEvent =>
  event.type === 'PatientPaymentReceived' || event.type === 'PatientRefundIssued';

/** Codes the encounter, submits the claim, then plays the script; steps a decider refuses (422) are skipped. */
const lifecycle = (script: Script): ClaimFoldEvent[] => {
  const lines = serviceLines(script.chargesCents);
  const coded = codeEncounter(
    { encounterId: ENCOUNTER_ID, patientId: PATIENT_ID, providerNpi: '1234567893', dateOfService: '2025-03-14', diagnoses: ['E11.9', 'I10', 'J45.909'], lines },
    initialEncounterState,
  );
  const encounter = coded.reduce(evolveEncounter, initialEncounterState);
  const { claimEvents } = submitClaim({ claimId: CLAIM_ID, encounterId: ENCOUNTER_ID, payerId: 'payer-60054', memberId: 'W123456789', submittedAt: AT }, encounter, null);
  const events: ClaimFoldEvent[] = [...claimEvents];
  const world: World = { claim: foldOrThrow(events), patient: initialPatientState(PATIENT_ID), events, counter: 0 };
  for (const step of script.steps) {
    world.counter += 1;
    let appended: ClaimFoldEvent[] | null;
    try {
      appended = decideStep(step, world);
    } catch (error) {
      if (error instanceof RuleViolation) continue;
      throw error; // 400, 404 or 409 means the script built a bad command: a bug in this spec.
    }
    for (const event of appended ?? []) {
      events.push(event);
      world.claim = evolveClaim(world.claim, event) ?? world.claim;
      if (isPatientEvent(event)) world.patient = evolvePatient(world.patient, event);
    }
  }
  return events;
};

const fold = (events: readonly ClaimFoldEvent[]): ClaimState => events.reduce(evolveClaim, initialClaimState);

function foldOrThrow(events: readonly ClaimFoldEvent[]): Claim {
  const claim = fold(events);
  if (claim === null) throw new Error('no claim');
  return claim;
}

const NO_MONEY: ClaimMoney = {
  chargesCents: 0,
  payerPaidCents: 0,
  contractualAdjustmentCents: 0,
  patientResponsibilityCents: 0,
  patientPaidCents: 0,
  payerWriteOffCents: 0,
  patientWriteOffCents: 0,
};

/**
 * An independent reading of the events: what the money should be. Charges follow the current
 * lines; a remittance counts until reversed; patient money is allocations less refunds; a void
 * zeroes everything.
 */
const expectedMoney = (events: readonly ClaimFoldEvent[]): ClaimMoney => {
  let chargesCents = 0;
  let voided = false;
  const reversedIds = new Set(events.flatMap((e) => (e.type === 'RemittanceReversed' ? [e.data.remittanceId] : [])));
  const money: ClaimMoney = { ...NO_MONEY };
  for (const event of events) {
    switch (event.type) {
      case 'ClaimSubmitted':
        chargesCents = event.data.totalChargeCents;
        break;
      case 'ClaimCorrected':
        if (event.data.lines) chargesCents = totalChargeCents(event.data.lines);
        break;
      case 'RemittancePosted': {
        if (reversedIds.has(event.data.remittanceId)) break;
        const { contractualCents, patientResponsibilityCents } = splitAdjustments(remittanceAdjustments(event.data));
        money.payerPaidCents += event.data.paidCents;
        money.contractualAdjustmentCents += contractualCents;
        money.patientResponsibilityCents += patientResponsibilityCents;
        break;
      }
      case 'WriteOffPosted':
        if (event.data.from === 'payer') money.payerWriteOffCents += event.data.amountCents;
        else money.patientWriteOffCents += event.data.amountCents;
        break;
      case 'PatientPaymentReceived':
        money.patientPaidCents += sumCents(event.data.allocations.filter((a) => a.claimId === CLAIM_ID).map((a) => a.amountCents));
        break;
      case 'PatientRefundIssued':
        if (event.data.claimId === CLAIM_ID) money.patientPaidCents -= event.data.amountCents;
        break;
      case 'ClaimVoided':
        voided = true;
        break;
      default:
        break;
    }
  }
  return voided ? { ...NO_MONEY } : { ...money, chargesCents };
};

/** The invariants of DESIGN.md "Claim status and balances", for the claim after `events`. */
const assertInvariants = (claim: Claim, events: readonly ClaimFoldEvent[]): void => {
  const b = balancesOf(claim.money);
  const figures = { ...claim.money, ...b };
  for (const [name, cents] of Object.entries(figures)) {
    if (!Number.isSafeInteger(cents)) throw new Error(`${name} is not a safe integer: ${cents}`);
  }
  expect(b.chargesCents).toBe(b.payerPaidCents + b.contractualAdjustmentCents + b.patientPaidCents + b.writeOffCents + b.balanceCents);
  expect(b.balanceCents).toBe(b.payerBalanceCents + b.patientBalanceCents);
  expect(claim.money).toEqual(expectedMoney(events));
  // Money in hand is never negative: a refund never returns more than the patient paid, a reversal never more than the payer paid.
  if (b.patientPaidCents < 0) throw new Error(`patient paid below zero: ${b.patientPaidCents}`);
  if (b.payerPaidCents < 0) throw new Error(`payer paid below zero: ${b.payerPaidCents}`);
  if (b.payerBalanceCents < 0) throw new Error(`payer balance below zero: ${b.payerBalanceCents} (status ${claim.status})`);
  // A line is paid by at most one standing remittance (LINE_ALREADY_PAID): the payer never pays a line twice.
  const paidLines = claim.remittances.filter((r) => r.kind === 'payment' && !r.reversed).flatMap((r) => r.lineNumbers);
  if (new Set(paidLines).size !== paidLines.length) throw new Error(`a line is paid by two standing remittances: lines ${paidLines.join(', ')}`);
  // Statuses say where the money stands (DESIGN.md): paid = settled with the payer, partially paid = the payer still owes.
  if (claim.status === 'paid' && b.payerBalanceCents !== 0) throw new Error(`paid with payer balance ${b.payerBalanceCents}`);
  if (claim.status === 'partially_paid' && b.payerBalanceCents <= 0) throw new Error(`partially paid with payer balance ${b.payerBalanceCents}`);
  if (claim.status === 'denied' && !claim.lines.every((l) => l.adjudication === 'denied')) throw new Error('denied with a line not denied');
  if (claim.status === 'voided') expect(Object.values(figures).every((cents) => cents === 0)).toBe(true);
  if (claim.status === 'closed' && b.balanceCents !== 0) throw new Error(`closed claim with balance ${b.balanceCents}`);
};

/** Names the event and the story so far when an invariant breaks, so a shrunk failure reads as a lifecycle. */
const describeFailure = (events: readonly ClaimFoldEvent[], at: number, claim: Claim, error: unknown): Error => {
  const story = events.slice(0, at + 1).map((e, i) => `  ${i}. ${e.type} ${JSON.stringify(e.data)}`).join('\n');
  const message = error instanceof Error ? error.message : String(error);
  return new Error(`after event ${at} (${events[at]?.type}), status ${claim.status}, money ${JSON.stringify(balancesOf(claim.money))}:\n${message}\n${story}`);
};

describe('claim lifecycles (property)', () => {
  it('the money adds up after every event of any valid lifecycle', () => {
    fc.assert(
      fc.property(scriptArb, (script) => {
        const events = lifecycle(script);
        let state: ClaimState = initialClaimState;
        events.forEach((event, i) => {
          state = evolveClaim(state, event);
          if (state === null) throw new Error(`event ${i} (${event.type}) folded to no claim`);
          try {
            assertInvariants(state, events.slice(0, i + 1));
          } catch (error) {
            throw describeFailure(events, i, state, error);
          }
        });
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('folding the same events twice gives the same claim (evolve is deterministic)', () => {
    fc.assert(
      fc.property(scriptArb, (script) => {
        const events = lifecycle(script);
        expect(fold(events)).toStrictEqual(fold(events));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('events survive a JSON round trip: the stored stream folds to the same claim', () => {
    fc.assert(
      fc.property(scriptArb, (script) => {
        const events = lifecycle(script);
        const stored = JSON.parse(JSON.stringify(events)) as ClaimFoldEvent[];
        expect(stored).toStrictEqual(events);
        expect(fold(stored)).toStrictEqual(fold(events));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('the generator reaches the interesting states (so the properties above are not vacuous)', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(scriptArb, (script) => {
        const events = lifecycle(script);
        for (const event of events) seen.add(event.type);
        let state: ClaimState = initialClaimState;
        for (const event of events) {
          state = evolveClaim(state, event);
          if (state) seen.add(state.status);
        }
      }),
      { numRuns: NUM_RUNS, seed: 42 },
    );
    const expected = [
      'DenialReceived',
      'RemittancePosted',
      'RemittanceReversed',
      'ClaimRejected',
      'ClaimCorrected',
      'ClaimResubmitted',
      'WriteOffPosted',
      'PatientPaymentReceived',
      'PatientRefundIssued',
      'ClaimVoided',
      'denied',
      'partially_paid',
      'paid',
      'closed',
      'voided',
    ];
    expect(expected.filter((what) => !seen.has(what))).toEqual([]);
  });
});
