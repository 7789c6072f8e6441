/**
 * Decides what an 835 posts, before anything is posted: the balancing rules of the 835 itself
 * (per line, per claim, per payment), the known claims, and every claim transition, checked by
 * running the claim deciders (postRemittance, receiveDenial, reverseRemittance) against the
 * claim as it stands and folding each result with evolveClaim, so a reversal followed by its
 * corrected payment in one file is decided in order. Pure: the claims come in as data.
 */
import type { AdjustmentGroup } from '../codes';
import { DuplicateId, InvalidInput, NotFound, RuleViolation } from '../common/errors';
import { nameBasedUuid } from '../common/event-ids';
import { sumCents, type Cents } from '../common/money';
import {
  evolveClaim,
  type Adjustment,
  type Claim,
  type ClaimEvent,
  type ClaimState,
  type DenialReceived,
  type RemittanceLine,
  type RemittancePosted,
} from '../claims/claim';
import { postRemittance } from '../claims/post-remittance/post-remittance';
import { receiveDenial } from '../claims/receive-denial/receive-denial';
import { reverseRemittance } from '../claims/reverse-remittance/reverse-remittance';
import {
  CLAIM_STATUS_MEANINGS,
  DENIED_STATUS_CODE,
  FORWARDED_STATUS_CODES,
  NOT_OUR_CLAIM_STATUS_CODE,
  PREDETERMINATION_STATUS_CODE,
  PROCESSED_STATUS_CODES,
  REVERSAL_STATUS_CODE,
  instantOf,
  lineDenialIdFor,
  remittanceIdFor,
  remittanceStreamId,
  type EraAdjustment,
  type EraClaim,
  type EraServiceLine,
  type ImportProblem,
  type RemittanceAdvice,
  type RemittanceEvent,
} from './era';
import type { Read835 } from './read-835';

/** A payment standing on the claim, as its RemittancePosted said: what a reversal (CLP02=22) looks for. */
export interface StandingPayment {
  remittanceId: string;
  payerClaimControlNumber?: string;
  paidCents: Cents;
}

/** A claim as the import finds it. */
export interface ClaimContext {
  state: ClaimState;
  /** Ids of the events already in the claim's stream: a CLP loop whose events are there was imported before. */
  eventIds: ReadonlySet<string>;
  /** Every RemittancePosted on the claim (reversed or not; the claim state says which). */
  payments: readonly StandingPayment[];
}

/** A remittance-{TRN02} stream as the import finds it. */
export interface RemittanceStreamContext {
  eventIds: ReadonlySet<string>;
  /** contentDigest of the RemittanceAdviceReceived already stored, if any. */
  contentDigest?: string;
}

export interface PlannedEvent {
  id: string;
  type: string;
  data: object;
}

export type ClaimOutcomeKind =
  | 'posted'
  | 'denied'
  | 'partially_denied'
  | 'reversed'
  | 'status_recorded'
  | 'already_imported'
  | 'rejected'
  | 'not_posted';

/** What became of one CLP loop. */
export interface ClaimOutcome {
  claimId: string;
  traceNumber: string;
  statusCode: string;
  payerClaimControlNumber?: string;
  remittanceId: string;
  segment: number;
  outcome: ClaimOutcomeKind;
  /** Event types appended (or, for a rejected file, that would have been). */
  events: string[];
}

export interface TransactionOutcome {
  traceNumber: string;
  segment: number;
  paidCents: Cents;
  claimCount: number;
  providerAdjustmentCents: Cents;
  accepted: boolean;
}

export interface ImportPlan {
  /** Nothing is to be appended: all-or-nothing and something is wrong. */
  rejected: boolean;
  transactions: TransactionOutcome[];
  claims: ClaimOutcome[];
  /** Events to append, per stream, in order. Empty when rejected. */
  appends: Map<string, PlannedEvent[]>;
  problems: ImportProblem[];
  warnings: ImportProblem[];
}

export interface PlanOptions {
  /** Post the claims that pass and report the rest (default: all or nothing). */
  partial: boolean;
  /** Business timestamp when the file gives no payment date. */
  now: string;
}

/** Event ids are name-based on the CLP loop's identifiers: importing the same file again finds them stored. */
export const claimEventId = (claimId: string, remittanceId: string, index: number): string =>
  nameBasedUuid(`x12-835\u0000claim\u0000${claimId}\u0000${remittanceId}\u0000${index}`);
export const adviceEventId = (traceNumber: string): string => nameBasedUuid(`x12-835\u0000advice\u0000${traceNumber}`);
export const providerAdjustmentEventId = (traceNumber: string, index: number): string =>
  nameBasedUuid(`x12-835\u0000plb\u0000${traceNumber}\u0000${index}`);
export const statusEventId = (claimId: string, remittanceId: string): string => nameBasedUuid(`x12-835\u0000status\u0000${claimId}\u0000${remittanceId}`);

const toAdjustment = (a: EraAdjustment): Adjustment => ({ group: a.group as AdjustmentGroup, reason: a.reason, amountCents: a.amountCents });
const adjustmentTotal = (adjustments: readonly EraAdjustment[]): Cents => sumCents(adjustments.map((a) => a.amountCents));
const isPatientResponsibility = (a: EraAdjustment): boolean => a.group === 'PR';
const unique = (values: readonly string[]): string[] => [...new Set(values.filter((v) => v !== ''))];

/** A zero-paid line with adjustments of which none is the patient's: the payer refused it (rather than pricing it at 0). */
const isDeniedLine = (line: { paidCents: Cents; adjustments: readonly EraAdjustment[] }): boolean =>
  line.paidCents === 0 && line.adjustments.length > 0 && !line.adjustments.some(isPatientResponsibility);

/** A decider's error as an import problem. */
const problemOf = (error: unknown): { code: string; message: string } => {
  if (error instanceof RuleViolation || error instanceof DuplicateId) return { code: error.code, message: error.message };
  if (error instanceof NotFound) return { code: 'NOT_FOUND', message: error.message };
  if (error instanceof InvalidInput) {
    const fields = error.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    return { code: 'INVALID_INPUT', message: fields === '' ? error.message : `${error.message} (${fields})` };
  }
  throw error;
};

interface MappedLine {
  era: EraServiceLine;
  lineNumber: number;
}

/**
 * SVC loops → our line numbers: REF*6R (the line control number our 837P sends: the line
 * number) when it names a line, else the submitted procedure code (SVC06, or SVC01) and order,
 * open lines first.
 */
const mapLines = (
  clp: EraClaim,
  claim: Claim,
  report: (code: string, message: string, at: EraServiceLine) => void,
  warn: (code: string, message: string, at: EraServiceLine) => void,
): MappedLine[] => {
  const used = new Set<number>();
  const mapped: MappedLine[] = [];
  for (const era of clp.lines) {
    let lineNumber: number | undefined;
    if (era.lineControlNumber !== undefined) {
      const n = /^\d{1,9}$/.test(era.lineControlNumber) ? Number(era.lineControlNumber) : NaN;
      if (claim.lines.some((l) => l.lineNumber === n) && !used.has(n)) lineNumber = n;
      else warn('LINE_CONTROL_NUMBER_UNKNOWN', `REF*6R ${era.lineControlNumber} names no line of claim ${claim.claimId}; matched by procedure code instead`, era);
    }
    if (lineNumber === undefined) {
      const code = era.submittedProcedureCode ?? era.procedureCode;
      const candidates = [...claim.lines].sort((a, b) => a.lineNumber - b.lineNumber).filter((l) => l.procedureCode === code && !used.has(l.lineNumber));
      lineNumber = (candidates.find((l) => l.adjudication !== 'paid') ?? candidates[0])?.lineNumber;
    }
    if (lineNumber === undefined) {
      report('UNMATCHED_SERVICE_LINE', `SVC ${era.qualifier}:${era.submittedProcedureCode ?? era.procedureCode} matches no line of claim ${claim.claimId}`, era);
      continue;
    }
    used.add(lineNumber);
    const ours = claim.lines.find((l) => l.lineNumber === lineNumber);
    if (ours && ours.chargeCents !== era.chargeCents) {
      report('LINE_CHARGE_MISMATCH', `SVC02 charges ${era.chargeCents} cents but line ${lineNumber} of claim ${claim.claimId} charges ${ours.chargeCents}`, era);
    }
    mapped.push({ era, lineNumber });
  }
  return mapped;
};

export const planImport = (
  read: Read835,
  claims: ReadonlyMap<string, ClaimContext>,
  remittanceStreams: ReadonlyMap<string, RemittanceStreamContext>,
  options: PlanOptions,
): ImportPlan => {
  const problems: ImportProblem[] = [...read.problems];
  const warnings: ImportProblem[] = [...read.warnings];
  const fileBlocked = read.problems.length > 0;
  const working = new Map<string, ClaimState>([...claims].map(([id, c]) => [id, c.state]));
  const payments = new Map<string, StandingPayment[]>([...claims].map(([id, c]) => [id, [...c.payments]]));
  const knownIds = new Set<string>([...claims.values()].flatMap((c) => [...c.eventIds]));
  for (const stream of remittanceStreams.values()) for (const id of stream.eventIds) knownIds.add(id);
  const claimAppends = new Map<string, PlannedEvent[]>();
  const remittanceAppends = new Map<string, PlannedEvent[]>();
  const transactionOutcomes: TransactionOutcome[] = [];
  const claimOutcomes: ClaimOutcome[] = [];
  const digests = new Map<string, string>();

  for (const transaction of read.transactions) {
    const advice = transaction.advice;
    const trace = advice.traceNumber;
    const txProblems: ImportProblem[] = transaction.problems.filter((p) => p.scope !== 'claim');
    const txProblem = (code: string, message: string, segment: number, tag: string): void => {
      txProblems.push({ code, message, scope: 'transaction', position: { segment, tag }, ...(trace !== '' && { traceNumber: trace }) });
    };
    const providerAdjustmentCents = sumCents(advice.providerAdjustments.map((p) => p.amountCents));
    const claimPaidCents = sumCents(advice.claims.map((c) => c.paidCents));
    if (advice.paidCents !== claimPaidCents - providerAdjustmentCents) {
      txProblem(
        'PAYMENT_UNBALANCED',
        `BPR02 pays ${advice.paidCents} cents but Σ CLP04 ${claimPaidCents} − Σ PLB ${providerAdjustmentCents} = ${claimPaidCents - providerAdjustmentCents}`,
        advice.position.segment,
        'BPR',
      );
    }
    const stored = remittanceStreams.get(trace)?.contentDigest ?? digests.get(trace);
    if (trace !== '' && stored !== undefined && stored !== transaction.contentDigest) {
      txProblem('TRACE_NUMBER_REUSED', `trace number ${trace} (TRN02) was already imported with different content`, advice.position.segment, 'TRN');
    }
    if (trace !== '') digests.set(trace, transaction.contentDigest);
    const blocked = fileBlocked || txProblems.length > 0;
    problems.push(...txProblems);

    const receivedAt = advice.paymentDate !== undefined ? instantOf(advice.paymentDate) : options.now;
    const statusEvents: PlannedEvent[] = [];
    advice.claims.forEach((clp, index) => {
      const next = advice.claims[index + 1]?.position.segment ?? Number.MAX_SAFE_INTEGER;
      const inLoop = (p: ImportProblem): boolean => p.scope === 'claim' && p.position.segment >= clp.position.segment && p.position.segment < next;
      const claimProblems: ImportProblem[] = transaction.problems.filter(inLoop);
      const outcome = planClaim(clp, {
        trace,
        receivedAt,
        state: working.get(clp.claimId) ?? null,
        payments: payments.get(clp.claimId) ?? [],
        knownIds,
        report: (code, message, at) =>
          claimProblems.push({ code, message, scope: 'claim', position: at, claimId: clp.claimId, ...(trace !== '' && { traceNumber: trace }) }),
        warn: (code, message, at) =>
          warnings.push({ code, message, scope: 'claim', position: at, claimId: clp.claimId, ...(trace !== '' && { traceNumber: trace }) }),
      });
      problems.push(...claimProblems);
      const base = {
        claimId: clp.claimId,
        traceNumber: trace,
        statusCode: clp.statusCode,
        ...(clp.payerClaimControlNumber !== undefined && { payerClaimControlNumber: clp.payerClaimControlNumber }),
        remittanceId: outcome.remittanceId,
        segment: clp.position.segment,
      };
      if (outcome.kind === 'already_imported') {
        claimOutcomes.push({ ...base, outcome: 'already_imported', events: [] });
        return;
      }
      const events = [...outcome.claimEvents.map((e) => e.event.type), ...outcome.statusEvents.map((e) => e.type)];
      if (claimProblems.length > 0) {
        claimOutcomes.push({ ...base, outcome: 'rejected', events });
        return;
      }
      // A blocked transaction posts nothing; in all-or-nothing mode its claims still fold, so later loops are checked as if it had.
      if (blocked && options.partial) {
        claimOutcomes.push({ ...base, outcome: 'not_posted', events });
        return;
      }
      working.set(clp.claimId, outcome.claimEvents.reduce<ClaimState>((s, e) => evolveClaim(s, e.event), working.get(clp.claimId) ?? null));
      for (const e of outcome.claimEvents) {
        knownIds.add(e.planned.id);
        if (e.event.type === 'RemittancePosted') {
          const data = e.event.data;
          payments.get(clp.claimId)?.push({
            remittanceId: data.remittanceId,
            paidCents: data.paidCents,
            ...(data.payerClaimControlNumber !== undefined && { payerClaimControlNumber: data.payerClaimControlNumber }),
          });
        }
      }
      for (const e of outcome.statusEvents) knownIds.add(e.id);
      if (!blocked) {
        const streamId = `claim-${clp.claimId}`;
        claimAppends.set(streamId, [...(claimAppends.get(streamId) ?? []), ...outcome.claimEvents.map((e) => e.planned)]);
        statusEvents.push(...outcome.statusEvents);
      }
      claimOutcomes.push({ ...base, outcome: blocked ? 'not_posted' : outcome.kind, events });
    });

    transactionOutcomes.push({
      traceNumber: trace,
      segment: advice.position.segment,
      paidCents: advice.paidCents,
      claimCount: advice.claims.length,
      providerAdjustmentCents,
      accepted: !blocked,
    });
    if (!blocked) {
      const streamId = remittanceStreamId(trace);
      // Status events were marked known as their CLP loops were planned; the advice and PLB events are checked here.
      const fresh = [...adviceEvents(advice, transaction.contentDigest, providerAdjustmentCents, receivedAt).filter((e) => !knownIds.has(e.id)), ...statusEvents];
      for (const e of fresh) knownIds.add(e.id);
      if (fresh.length > 0) remittanceAppends.set(streamId, [...(remittanceAppends.get(streamId) ?? []), ...fresh]);
    }
  }

  const rejected = !options.partial && problems.length > 0;
  const appends = new Map<string, PlannedEvent[]>();
  if (!rejected) {
    // Claims first, the remittance stream last: its RemittanceAdviceReceived marks the payment as fully posted.
    for (const [streamId, events] of claimAppends) if (events.length > 0) appends.set(streamId, events);
    for (const [streamId, events] of remittanceAppends) appends.set(streamId, events);
  }
  return {
    rejected,
    transactions: transactionOutcomes,
    claims: rejected ? claimOutcomes.map((c) => (c.outcome === 'already_imported' || c.outcome === 'rejected' ? c : { ...c, outcome: 'not_posted' })) : claimOutcomes,
    appends,
    // In file order, as a reader goes through the file to fix it.
    problems: [...problems].sort((a, b) => a.position.segment - b.position.segment),
    warnings: [...warnings].sort((a, b) => a.position.segment - b.position.segment),
  };
};

/** The remittance stream's own events for one payment: the advice, then each PLB adjustment. */
const adviceEvents = (advice: RemittanceAdvice, contentDigest: string, providerAdjustmentCents: Cents, receivedAt: string): PlannedEvent[] => {
  const received: RemittanceEvent = {
    type: 'RemittanceAdviceReceived',
    data: {
      traceNumber: advice.traceNumber,
      ...(advice.payerIdentifier !== undefined && { payerIdentifier: advice.payerIdentifier }),
      ...(advice.payerName !== undefined && { payerName: advice.payerName }),
      ...(advice.payeeIdentifier !== undefined && { payeeIdentifier: advice.payeeIdentifier }),
      transactionHandlingCode: advice.transactionHandlingCode,
      paidCents: advice.paidCents,
      creditDebit: advice.creditDebit,
      ...(advice.paymentMethod !== undefined && { paymentMethod: advice.paymentMethod }),
      ...(advice.paymentDate !== undefined && { paymentDate: advice.paymentDate }),
      providerAdjustmentCents,
      claims: advice.claims.map((c) => ({
        claimId: c.claimId,
        statusCode: c.statusCode,
        ...(c.payerClaimControlNumber !== undefined && { payerClaimControlNumber: c.payerClaimControlNumber }),
        chargeCents: c.chargeCents,
        paidCents: c.paidCents,
        remittanceId: remittanceIdFor(advice.traceNumber, c),
      })),
      contentDigest,
      receivedAt,
    },
  };
  const adjustments: RemittanceEvent[] = advice.providerAdjustments.map((p) => ({
    type: 'ProviderAdjustmentPosted',
    data: {
      traceNumber: advice.traceNumber,
      providerId: p.providerId,
      ...(p.fiscalPeriodDate !== undefined && { fiscalPeriodDate: p.fiscalPeriodDate }),
      reasonCode: p.reasonCode,
      ...(p.reference !== undefined && { reference: p.reference }),
      amountCents: p.amountCents,
      postedAt: receivedAt,
    },
  }));
  return [
    { id: adviceEventId(advice.traceNumber), ...received },
    ...adjustments.map((e, i) => ({ id: providerAdjustmentEventId(advice.traceNumber, i), ...e })),
  ];
};

interface ClaimPlan {
  remittanceId: string;
  kind: Exclude<ClaimOutcomeKind, 'rejected' | 'not_posted'>;
  claimEvents: Array<{ event: ClaimEvent; planned: PlannedEvent }>;
  statusEvents: PlannedEvent[];
}

interface ClaimPlanContext {
  trace: string;
  receivedAt: string;
  state: ClaimState;
  payments: readonly StandingPayment[];
  knownIds: ReadonlySet<string>;
  report: (code: string, message: string, at: ImportProblem['position']) => void;
  warn: (code: string, message: string, at: ImportProblem['position']) => void;
}

/** One CLP loop: check its own balancing, then decide its events against the claim as it stands. */
const planClaim = (clp: EraClaim, context: ClaimPlanContext): ClaimPlan => {
  const remittanceId = remittanceIdFor(context.trace, clp);
  const empty: ClaimPlan = { remittanceId, kind: 'posted', claimEvents: [], statusEvents: [] };
  const { report } = context;

  const statusOnly = clp.statusCode === NOT_OUR_CLAIM_STATUS_CODE || clp.statusCode === PREDETERMINATION_STATUS_CODE;
  const alreadyId = statusOnly ? statusEventId(clp.claimId, remittanceId) : claimEventId(clp.claimId, remittanceId, 0);
  if (context.knownIds.has(alreadyId)) return { ...empty, kind: 'already_imported' };

  // The 835's own balancing (5010 TR3): CLP03 − CLP04 = Σ CAS (claim and lines); SVC02 − SVC03 = Σ line CAS.
  let balanced = true;
  const casCents = adjustmentTotal(clp.adjustments) + sumCents(clp.lines.map((l) => adjustmentTotal(l.adjustments)));
  if (clp.chargeCents - clp.paidCents !== casCents) {
    balanced = false;
    report('CLAIM_UNBALANCED', `CLP03 ${clp.chargeCents} − CLP04 ${clp.paidCents} ≠ Σ CAS ${casCents} (claim and line adjustments)`, clp.position);
  }
  for (const line of clp.lines) {
    const lineCas = adjustmentTotal(line.adjustments);
    if (line.chargeCents - line.paidCents !== lineCas) {
      balanced = false;
      report('LINE_UNBALANCED', `SVC02 ${line.chargeCents} − SVC03 ${line.paidCents} ≠ Σ CAS ${lineCas}`, line.position);
    }
  }

  const claim = context.state;
  if (claim === null) {
    report('UNKNOWN_CLAIM', `claim ${clp.claimId} (CLP01) is not in the ledger`, clp.position);
    return empty;
  }
  // An 835 that does not balance is wrong in itself; the deciders would only repeat it in ledger terms.
  if (!balanced) return empty;
  const meaning = CLAIM_STATUS_MEANINGS[clp.statusCode];
  const statusEvent = (): PlannedEvent => ({
    id: statusEventId(clp.claimId, remittanceId),
    type: 'PayerClaimStatusReported',
    data: {
      traceNumber: context.trace,
      claimId: clp.claimId,
      remittanceId,
      statusCode: clp.statusCode,
      meaning: meaning ?? clp.statusCode,
      ...(clp.payerClaimControlNumber !== undefined && { payerClaimControlNumber: clp.payerClaimControlNumber }),
      chargeCents: clp.chargeCents,
      paidCents: clp.paidCents,
      reportedAt: context.receivedAt,
    },
  });

  // Each decider runs against the claim as the previous event left it.
  let state: ClaimState = claim;
  const claimEvents: ClaimPlan['claimEvents'] = [];
  const decide = (make: (s: ClaimState) => readonly ClaimEvent[]): boolean => {
    try {
      for (const event of make(state)) {
        claimEvents.push({ event, planned: { id: claimEventId(clp.claimId, remittanceId, claimEvents.length), type: event.type, data: event.data } });
        state = evolveClaim(state, event);
      }
      return true;
    } catch (error) {
      const { code, message } = problemOf(error);
      report(code, message, clp.position);
      return false;
    }
  };

  const pccn = clp.payerClaimControlNumber !== undefined ? { payerClaimControlNumber: clp.payerClaimControlNumber } : {};
  const lineRemarks = (lines: readonly MappedLine[]): string[] => lines.flatMap((l) => l.era.remarks);
  const denial = (id: string, lines: readonly MappedLine[] | null, adjustments: readonly EraAdjustment[]): ((s: ClaimState) => DenialReceived[]) => (s) =>
    receiveDenial(
      {
        claimId: clp.claimId,
        remittanceId: id,
        ...pccn,
        ...(lines !== null && { lineNumbers: lines.map((l) => l.lineNumber) }),
        adjustments: adjustments.map(toAdjustment),
        remarks: unique([...clp.remarks, ...lineRemarks(lines ?? [])]),
        receivedAt: context.receivedAt,
      },
      s,
    );
  const payment = (lines: RemittanceLine[], claimAdjustments: readonly EraAdjustment[], remarks: string[]): ((s: ClaimState) => RemittancePosted[]) => (s) =>
    postRemittance(
      {
        claimId: clp.claimId,
        remittanceId,
        ...pccn,
        paidCents: clp.paidCents,
        lines,
        ...(claimAdjustments.length > 0 && { adjustments: claimAdjustments.map(toAdjustment) }),
        ...(remarks.length > 0 && { remarks }),
        receivedAt: context.receivedAt,
      },
      s,
    );
  const toRemittanceLine = (l: MappedLine): RemittanceLine => ({ lineNumber: l.lineNumber, paidCents: l.era.paidCents, adjustments: l.era.adjustments.map(toAdjustment) });
  const mapped = (): MappedLine[] | null => {
    let failed = false;
    const lines = mapLines(
      clp,
      claim,
      (code, message, at) => {
        failed = true;
        report(code, message, at.position);
      },
      (code, message, at) => context.warn(code, message, at.position),
    );
    return failed ? null : lines;
  };
  const allAdjustments = [...clp.adjustments, ...clp.lines.flatMap((l) => l.adjustments)];

  if (PROCESSED_STATUS_CODES.has(clp.statusCode) || FORWARDED_STATUS_CODES.has(clp.statusCode)) {
    const statusEvents = FORWARDED_STATUS_CODES.has(clp.statusCode) ? [statusEvent()] : [];
    if (clp.lines.length === 0) {
      // No service line detail: a zero payment with nothing owed by the patient is a whole-claim denial; a payment needs a single-line claim to land on.
      if (clp.paidCents === 0 && !clp.adjustments.some(isPatientResponsibility) && clp.adjustments.length > 0) {
        decide(denial(remittanceId, null, clp.adjustments));
        return { remittanceId, kind: 'denied', claimEvents, statusEvents };
      }
      const only = claim.lines.length === 1 ? claim.lines[0] : undefined;
      if (only === undefined) {
        report('NO_SERVICE_LINES', `the 835 gives no SVC detail for claim ${clp.claimId}, which has ${claim.lines.length} lines: the payment cannot be split per line`, clp.position);
        return { remittanceId, kind: 'posted', claimEvents, statusEvents };
      }
      decide(payment([{ lineNumber: only.lineNumber, paidCents: clp.paidCents, adjustments: clp.adjustments.map(toAdjustment) }], [], unique(clp.remarks)));
      return { remittanceId, kind: 'posted', claimEvents, statusEvents };
    }
    const lines = mapped();
    if (lines === null) return { remittanceId, kind: 'posted', claimEvents, statusEvents };
    const denied = lines.filter((l) => isDeniedLine(l.era));
    const paid = lines.filter((l) => !isDeniedLine(l.era));
    if (paid.length === 0 && clp.paidCents === 0 && !clp.adjustments.some(isPatientResponsibility)) {
      decide(denial(remittanceId, lines, allAdjustments));
      return { remittanceId, kind: 'denied', claimEvents, statusEvents };
    }
    const ok = decide(payment(paid.map(toRemittanceLine), clp.adjustments, unique([...clp.remarks, ...lineRemarks(paid)])));
    if (ok && denied.length > 0) {
      decide(denial(lineDenialIdFor(remittanceId), denied, denied.flatMap((l) => l.era.adjustments)));
      return { remittanceId, kind: 'partially_denied', claimEvents, statusEvents };
    }
    return { remittanceId, kind: 'posted', claimEvents, statusEvents };
  }

  if (clp.statusCode === DENIED_STATUS_CODE) {
    if (clp.paidCents !== 0) report('DENIAL_WITH_PAYMENT', `CLP02 4 (denied) but CLP04 pays ${clp.paidCents} cents`, clp.position);
    const lines = clp.lines.length === 0 ? null : mapped();
    if (clp.lines.length > 0 && lines === null) return { ...empty, kind: 'denied' };
    decide(denial(remittanceId, lines, allAdjustments));
    return { remittanceId, kind: 'denied', claimEvents, statusEvents: [] };
  }

  if (clp.statusCode === REVERSAL_STATUS_CODE) {
    const standing = context.payments.filter((p) => claim.remittances.some((r) => r.remittanceId === p.remittanceId && !r.reversed));
    const byNumber = clp.payerClaimControlNumber === undefined ? standing : standing.filter((p) => p.payerClaimControlNumber === clp.payerClaimControlNumber);
    const candidates = byNumber.length > 1 ? byNumber.filter((p) => p.paidCents === -clp.paidCents) : byNumber;
    const original = candidates[0];
    if (original === undefined) {
      report('REVERSED_PAYMENT_NOT_FOUND', `no standing payment on claim ${clp.claimId}${clp.payerClaimControlNumber ? ` with payer claim control number ${clp.payerClaimControlNumber}` : ''} for this reversal to take back`, clp.position);
      return { ...empty, kind: 'reversed' };
    }
    if (candidates.length > 1) {
      report('AMBIGUOUS_REVERSAL', `${candidates.length} standing payments on claim ${clp.claimId} match this reversal`, clp.position);
      return { ...empty, kind: 'reversed' };
    }
    if (original.paidCents !== -clp.paidCents) {
      report('REVERSAL_AMOUNT_MISMATCH', `the reversal takes back ${-clp.paidCents} cents but remittance ${original.remittanceId} paid ${original.paidCents}`, clp.position);
      return { ...empty, kind: 'reversed' };
    }
    decide((s) => reverseRemittance({ claimId: clp.claimId, remittanceId: original.remittanceId, reversedAt: context.receivedAt }, s));
    return { remittanceId, kind: 'reversed', claimEvents, statusEvents: [] };
  }

  if (statusOnly) {
    if (clp.paidCents !== 0) report('STATUS_WITH_PAYMENT', `CLP02 ${clp.statusCode} (${meaning}) carries no payment, but CLP04 pays ${clp.paidCents} cents`, clp.position);
    if (claim.status === 'voided') report('CLAIM_VOIDED', `claim ${clp.claimId} is voided; nothing but reads applies to it`, clp.position);
    return { remittanceId, kind: 'status_recorded', claimEvents: [], statusEvents: [statusEvent()] };
  }

  report('UNSUPPORTED_CLAIM_STATUS', `CLP02 ${clp.statusCode || '(blank)'} is not a claim status this ledger maps (1–4, 19–23, 25)`, clp.position);
  return empty;
};
