/**
 * From X12 segments to remittance advices: the envelope (ISA/GS/ST … SE/GE/IEA with their
 * control counts and numbers), then the 835 loops (BPR, TRN, N1, CLP, CAS, SVC, LQ, MOA/MIA,
 * PLB) into plain data, with amounts turned into integer cents. Pure: it reads only its input.
 *
 * Nothing is dropped silently: what cannot be read becomes a problem with its segment position,
 * and what is odd but readable (a component separator other than the one ISA16 declares) a warning.
 */
import { createHash } from 'node:crypto';
import { isAdjustmentGroup } from '../codes';
import type { Cents } from '../common/money';
import {
  type EraAdjustment,
  type EraClaim,
  type EraProviderAdjustment,
  type EraServiceLine,
  type ImportProblem,
  type RemittanceAdvice,
  type SegmentPosition,
  x12Date,
} from './era';
import type { X12Document, X12Token } from './x12-reader';

/** An 835 transaction set with its position and what was wrong in it. */
export interface ReadTransaction {
  advice: RemittanceAdvice;
  /** sha256 of the segments between ST and SE: the same TRN02 with other content is a different payment. */
  contentDigest: string;
  problems: ImportProblem[];
}

export interface Read835 {
  transactions: ReadTransaction[];
  /** Problems that concern the whole file (parse, ISA/GS/GE/IEA envelope). */
  problems: ImportProblem[];
  warnings: ImportProblem[];
}

/** The 835 implementation guide this reader maps (HIPAA 5010). 4010 files are refused, not guessed at. */
export const SUPPORTED_835_VERSION = '005010X221';
/** A CAS segment carries at most six group/reason/amount/quantity triplets (CAS02–CAS19). */
export const CAS_TRIPLETS_MAX = 6;
/** A PLB segment carries at most six reason/amount pairs (PLB03–PLB14). */
export const PLB_PAIRS_MAX = 6;

interface Positioned {
  token: X12Token;
  position: SegmentPosition;
}

const el = (token: X12Token, index: number): string => (token.elements[index - 1] ?? '').trim();
const optional = (value: string): string | undefined => (value === '' ? undefined : value);

/** An X12 decimal ("123.45", "-42.58", "100", ".5") in integer cents; undefined when it is not one or has sub-cent digits. */
export const toCents = (value: string): Cents | undefined => {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(value);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return undefined;
  const fraction = (match[3] ?? '').replace(/0+$/, '');
  if (fraction.length > 2) return undefined;
  const cents = Number(match[2] === '' ? '0' : match[2]) * 100 + Number(fraction.padEnd(2, '0'));
  if (!Number.isSafeInteger(cents)) return undefined;
  return match[1] === '-' && cents !== 0 ? -cents : cents;
};

class Problems {
  readonly list: ImportProblem[] = [];
  readonly warnings: ImportProblem[] = [];
  constructor(private readonly context: { traceNumber?: string }) {}

  add(code: string, message: string, at: SegmentPosition, scope: ImportProblem['scope'], claimId?: string): void {
    this.list.push(this.make(code, message, at, scope, claimId));
  }

  warn(code: string, message: string, at: SegmentPosition, claimId?: string): void {
    this.warnings.push(this.make(code, message, at, claimId === undefined ? 'transaction' : 'claim', claimId));
  }

  private make(code: string, message: string, position: SegmentPosition, scope: ImportProblem['scope'], claimId?: string): ImportProblem {
    return {
      code,
      message,
      scope,
      position,
      ...(this.context.traceNumber !== undefined && { traceNumber: this.context.traceNumber }),
      ...(claimId !== undefined && { claimId }),
    };
  }
}

// ---------------------------------------------------------------------------------------------
// The envelope

interface EnvelopedTransaction {
  segments: Positioned[];
  /** GS08 of the enclosing group. */
  version?: string;
  problems: ImportProblem[];
}

const at = (token: X12Token, ordinal: number, stOrdinal?: number): SegmentPosition => ({
  segment: ordinal,
  ...(stOrdinal !== undefined && { transactionSegment: ordinal - stOrdinal + 1 }),
  tag: token.tag,
});

const fileProblem = (code: string, message: string, position: SegmentPosition): ImportProblem => ({ code, message, scope: 'file', position });
const transactionProblem = (code: string, message: string, position: SegmentPosition): ImportProblem => ({ code, message, scope: 'transaction', position });

/** Controls numbers compare as numbers where X12 pads them (node-x12 strips ISA13/IEA02 padding) and as text otherwise. */
const sameControlNumber = (a: string, b: string): boolean => a === b || (/^\d+$/.test(a) && /^\d+$/.test(b) && Number(a) === Number(b));

/**
 * Walks ISA/GS/ST … SE/GE/IEA: each trailer closes its header, its count matches what it
 * encloses, its control number matches its header's. A bare ST…SE (no envelope) is read, and
 * its missing envelope reported.
 */
const walkEnvelope = (document: X12Document): { transactions: EnvelopedTransaction[]; problems: ImportProblem[] } => {
  const problems: ImportProblem[] = [];
  const transactions: EnvelopedTransaction[] = [];
  const tokens = document.tokens;
  if (document.bare) {
    problems.push(
      fileProblem('ENVELOPE_MISSING', 'the file has no ISA/GS envelope: it starts at ST, so sender, receiver and control numbers are unknown', at(tokens[0] ?? { tag: 'ST', elements: [] }, 1)),
    );
  }
  let isa: { token: X12Token; ordinal: number; groups: number } | null = null;
  let gs: { token: X12Token; ordinal: number; transactions: number } | null = null;
  let st: { token: X12Token; ordinal: number; transaction: EnvelopedTransaction } | null = null;
  const inGroup = (): boolean => gs !== null || document.bare;

  tokens.forEach((token, index) => {
    const ordinal = index + 1;
    const position = at(token, ordinal, st?.ordinal);
    switch (token.tag) {
      case 'ISA':
        if (isa !== null) problems.push(fileProblem('ENVELOPE_STRUCTURE', `ISA at segment ${ordinal} opens an interchange before the one at segment ${isa.ordinal} is closed by IEA`, position));
        if (token.elements.length !== 16) problems.push(fileProblem('ENVELOPE_ISA_LENGTH', `ISA has ${token.elements.length} elements, not 16`, position));
        isa = { token, ordinal, groups: 0 };
        return;
      case 'GS':
        if (isa === null) problems.push(fileProblem('ENVELOPE_STRUCTURE', 'GS outside an interchange (no ISA before it)', position));
        if (gs !== null) problems.push(fileProblem('ENVELOPE_STRUCTURE', `GS opens a group before the one at segment ${gs.ordinal} is closed by GE`, position));
        gs = { token, ordinal, transactions: 0 };
        if (isa !== null) isa.groups += 1;
        return;
      case 'ST': {
        if (!inGroup()) problems.push(fileProblem('ENVELOPE_STRUCTURE', 'ST outside a functional group (no GS before it)', position));
        if (st !== null) st.transaction.problems.push(transactionProblem('SE_MISSING', `the transaction set opened at segment ${st.ordinal} has no SE`, at(st.token, st.ordinal, st.ordinal)));
        const version = gs !== null ? optional(el(gs.token, 8)) : undefined;
        const transaction: EnvelopedTransaction = { segments: [], problems: [], ...(version !== undefined && { version }) };
        transactions.push(transaction);
        st = { token, ordinal, transaction };
        st.transaction.segments.push({ token, position: at(token, ordinal, ordinal) });
        if (gs !== null) gs.transactions += 1;
        return;
      }
      case 'SE': {
        if (st === null) {
          problems.push(fileProblem('ENVELOPE_STRUCTURE', 'SE without an ST', position));
          return;
        }
        const count = st.transaction.segments.length + 1;
        st.transaction.segments.push({ token, position });
        if (el(token, 1) !== String(count)) {
          st.transaction.problems.push(transactionProblem('SEGMENT_COUNT_MISMATCH', `SE01 says ${el(token, 1) || '(nothing)'} segments, the transaction set has ${count} (ST to SE)`, position));
        }
        if (!sameControlNumber(el(token, 2), el(st.token, 2))) {
          st.transaction.problems.push(transactionProblem('CONTROL_NUMBER_MISMATCH', `SE02 ${el(token, 2)} does not match ST02 ${el(st.token, 2)}`, position));
        }
        st = null;
        return;
      }
      case 'GE':
        if (st !== null) {
          st.transaction.problems.push(transactionProblem('SE_MISSING', `the transaction set opened at segment ${st.ordinal} has no SE`, at(st.token, st.ordinal, st.ordinal)));
          st = null;
        }
        if (gs === null) {
          problems.push(fileProblem('ENVELOPE_STRUCTURE', 'GE without a GS', position));
          return;
        }
        if (el(token, 1) !== String(gs.transactions)) {
          problems.push(fileProblem('TRANSACTION_COUNT_MISMATCH', `GE01 says ${el(token, 1) || '(nothing)'} transaction sets, the group has ${gs.transactions}`, position));
        }
        if (!sameControlNumber(el(token, 2), el(gs.token, 6))) problems.push(fileProblem('CONTROL_NUMBER_MISMATCH', `GE02 ${el(token, 2)} does not match GS06 ${el(gs.token, 6)}`, position));
        gs = null;
        return;
      case 'IEA':
        if (gs !== null) {
          problems.push(fileProblem('GE_MISSING', `the group opened at segment ${gs.ordinal} has no GE`, at(gs.token, gs.ordinal)));
          gs = null;
        }
        if (isa === null) {
          problems.push(fileProblem('ENVELOPE_STRUCTURE', 'IEA without an ISA', position));
          return;
        }
        if (el(token, 1) !== String(isa.groups)) problems.push(fileProblem('GROUP_COUNT_MISMATCH', `IEA01 says ${el(token, 1) || '(nothing)'} functional groups, the interchange has ${isa.groups}`, position));
        if (!sameControlNumber(el(token, 2), el(isa.token, 13))) problems.push(fileProblem('CONTROL_NUMBER_MISMATCH', `IEA02 ${el(token, 2)} does not match ISA13 ${el(isa.token, 13)}`, position));
        isa = null;
        return;
      default:
        if (st === null) {
          problems.push(fileProblem('SEGMENT_OUTSIDE_TRANSACTION', `${token.tag} is outside any transaction set`, position));
          return;
        }
        st.transaction.segments.push({ token, position });
    }
  });
  const stLeft = st as { token: X12Token; ordinal: number; transaction: EnvelopedTransaction } | null;
  if (stLeft !== null) stLeft.transaction.problems.push(transactionProblem('SE_MISSING', `the transaction set opened at segment ${stLeft.ordinal} has no SE`, at(stLeft.token, stLeft.ordinal, stLeft.ordinal)));
  const gsLeft = gs as { token: X12Token; ordinal: number } | null;
  if (gsLeft !== null) problems.push(fileProblem('GE_MISSING', `the group opened at segment ${gsLeft.ordinal} has no GE`, at(gsLeft.token, gsLeft.ordinal)));
  const isaLeft = isa as { token: X12Token; ordinal: number } | null;
  if (isaLeft !== null) problems.push(fileProblem('IEA_MISSING', `the interchange opened at segment ${isaLeft.ordinal} has no IEA`, at(isaLeft.token, isaLeft.ordinal)));
  return { transactions, problems };
};

// ---------------------------------------------------------------------------------------------
// The 835 loops

/**
 * Splits a composite element (SVC01 `HC:99213:25`, PLB03 `WO:12345`). node-x12 reads segments
 * and elements but leaves composites whole, so this is the one place a value is split. Some
 * payers declare one separator in ISA16 and use another (`HC>12345>26` with ISA16 `:`): when a
 * composite's 2-character qualifier is followed by some other non-alphanumeric character, that
 * character is the separator actually used, and a warning says so.
 */
const components = (value: string, declared: string, onMismatch: (used: string) => void): string[] => {
  if (value.includes(declared)) return value.split(declared);
  const third = value.charAt(2);
  if (value.length > 3 && third !== '' && !/[A-Za-z0-9 ]/.test(third)) {
    onMismatch(third);
    return value.split(third);
  }
  return [value];
};

/** Reads one transaction set (ST…SE) into a remittance advice. */
const readTransaction = (transaction: EnvelopedTransaction, componentSeparator: string): { read: ReadTransaction; warnings: ImportProblem[] } => {
  const segments = transaction.segments;
  const first = segments[0] as Positioned;
  const trn = segments.find((s) => s.token.tag === 'TRN');
  const traceNumber = trn ? el(trn.token, 2) : '';
  const problems = new Problems(traceNumber === '' ? {} : { traceNumber });
  problems.list.push(...transaction.problems.map((p) => (traceNumber === '' ? p : { ...p, traceNumber })));

  if (el(first.token, 1) !== '835') {
    problems.add('NOT_AN_835', `the transaction set is a ${el(first.token, 1) || '(blank)'}, not an 835 remittance advice`, first.position, 'transaction');
  }
  if (transaction.version !== undefined && !transaction.version.startsWith(SUPPORTED_835_VERSION)) {
    problems.add('UNSUPPORTED_VERSION', `GS08 names ${transaction.version}; only ${SUPPORTED_835_VERSION}A1 (HIPAA 5010) 835s are read`, first.position, 'transaction');
  }
  if (!trn || traceNumber === '') problems.add('TRACE_NUMBER_MISSING', 'no TRN segment with a trace number (TRN02): the payment cannot be identified', trn?.position ?? first.position, 'transaction');

  const amount = (token: X12Token, index: number, position: SegmentPosition, required: boolean, claimId?: string): Cents | undefined => {
    const value = el(token, index);
    if (value === '') {
      if (required) problems.add('AMOUNT_MISSING', `${token.tag}${String(index).padStart(2, '0')} is empty; an amount is required`, position, claimId ? 'claim' : 'transaction', claimId);
      return undefined;
    }
    const cents = toCents(value);
    if (cents === undefined) problems.add('INVALID_AMOUNT', `${token.tag}${String(index).padStart(2, '0')} "${value}" is not an amount in dollars and cents`, position, claimId ? 'claim' : 'transaction', claimId);
    return cents;
  };
  const split = (value: string, position: SegmentPosition, claimId?: string): string[] =>
    components(value, componentSeparator, (used) =>
      problems.warn('COMPONENT_SEPARATOR_MISMATCH', `ISA16 declares "${componentSeparator}" but "${value}" is separated by "${used}"; read with "${used}"`, position, claimId),
    );

  let bpr: Positioned | undefined;
  let productionDate: string | undefined;
  let payerName: string | undefined;
  let payeeIdentifier: string | undefined;
  const claims: EraClaim[] = [];
  const providerAdjustments: EraProviderAdjustment[] = [];
  let claim: EraClaim | null = null;
  let line: EraServiceLine | null = null;

  const readCas = (token: X12Token, position: SegmentPosition, claimId: string): EraAdjustment[] => {
    const group = el(token, 1);
    if (!isAdjustmentGroup(group)) {
      problems.add('INVALID_ADJUSTMENT', `CAS01 "${group}" is not an adjustment group (CO, PR, OA, PI, CR)`, position, 'claim', claimId);
      return [];
    }
    const adjustments: EraAdjustment[] = [];
    for (let k = 0; k < CAS_TRIPLETS_MAX; k++) {
      const reason = el(token, 2 + 3 * k);
      const rawAmount = el(token, 3 + 3 * k);
      const quantity = el(token, 4 + 3 * k);
      if (reason === '' && rawAmount === '') continue;
      if (reason === '') {
        problems.add('INVALID_ADJUSTMENT', `CAS${String(2 + 3 * k).padStart(2, '0')} is empty but an amount follows it`, position, 'claim', claimId);
        continue;
      }
      const amountCents = amount(token, 3 + 3 * k, position, true, claimId);
      if (amountCents === undefined) continue;
      adjustments.push({ group, reason, amountCents, ...(quantity !== '' && { quantity }) });
    }
    if (token.elements.length > 1 + 3 * CAS_TRIPLETS_MAX) problems.add('INVALID_ADJUSTMENT', `CAS has more than ${CAS_TRIPLETS_MAX} triplets`, position, 'claim', claimId);
    return adjustments;
  };

  for (const { token, position } of segments.slice(1)) {
    switch (token.tag) {
      case 'BPR':
        bpr = { token, position };
        break;
      case 'DTM':
        if (claim === null && el(token, 1) === '405') productionDate = x12Date(el(token, 2));
        else if (line !== null && (el(token, 1) === '472' || (el(token, 1) === '150' && line.serviceDate === undefined))) {
          const date = x12Date(el(token, 2));
          if (date !== undefined) line.serviceDate = date;
        } else if (claim !== null && line === null && el(token, 1) === '232') {
          const date = x12Date(el(token, 2));
          if (date !== undefined) claim.statementDate = date;
        }
        break;
      case 'N1':
        if (el(token, 1) === 'PR') payerName = optional(el(token, 2));
        if (el(token, 1) === 'PE') payeeIdentifier = optional(el(token, 4));
        break;
      case 'CLP': {
        line = null;
        const claimId = el(token, 1);
        if (claimId === '') problems.add('CLAIM_ID_MISSING', 'CLP01 (our claim id) is empty', position, 'transaction');
        const chargeCents = amount(token, 3, position, true, claimId);
        const paidCents = amount(token, 4, position, true, claimId);
        const patientResponsibilityCents = amount(token, 5, position, false, claimId);
        const payerClaimControlNumber = optional(el(token, 7));
        const statusCode = el(token, 2);
        claim = {
          position,
          claimId,
          statusCode,
          chargeCents: chargeCents ?? 0,
          paidCents: paidCents ?? 0,
          ...(patientResponsibilityCents !== undefined && { patientResponsibilityCents }),
          ...(payerClaimControlNumber !== undefined && { payerClaimControlNumber }),
          adjustments: [],
          remarks: [],
          lines: [],
        };
        claims.push(claim);
        break;
      }
      case 'CAS':
        if (line !== null && claim !== null) line.adjustments.push(...readCas(token, position, claim.claimId));
        else if (claim !== null) claim.adjustments.push(...readCas(token, position, claim.claimId));
        else problems.add('SEGMENT_OUT_OF_PLACE', 'CAS before any CLP', position, 'transaction');
        break;
      case 'NM1':
        if (claim !== null && line === null && (el(token, 1) === 'IL' || (el(token, 1) === 'QC' && claim.memberId === undefined))) {
          const memberId = optional(el(token, 9));
          if (memberId !== undefined) claim.memberId = memberId;
        }
        break;
      case 'MOA':
        if (claim !== null) claim.remarks.push(...[3, 4, 5, 6, 7].map((i) => el(token, i)).filter((c) => c !== ''));
        break;
      case 'MIA':
        if (claim !== null) claim.remarks.push(...[5, 20, 21, 22, 23].map((i) => el(token, i)).filter((c) => c !== ''));
        break;
      case 'SVC': {
        if (claim === null) {
          problems.add('SEGMENT_OUT_OF_PLACE', 'SVC before any CLP', position, 'transaction');
          break;
        }
        const composite = split(el(token, 1), position, claim.claimId);
        const original = el(token, 6) === '' ? [] : split(el(token, 6), position, claim.claimId);
        const chargeCents = amount(token, 2, position, true, claim.claimId);
        const paidCents = amount(token, 3, position, true, claim.claimId);
        const procedureCode = composite[1] ?? '';
        if (procedureCode === '') problems.add('PROCEDURE_CODE_MISSING', `SVC01 "${el(token, 1)}" names no procedure code`, position, 'claim', claim.claimId);
        const units = optional(el(token, 5)) ?? optional(el(token, 7));
        line = {
          position,
          qualifier: composite[0] ?? '',
          procedureCode,
          modifiers: composite.slice(2, 6).filter((m) => m !== ''),
          ...(original[1] !== undefined && original[1] !== '' && { submittedProcedureCode: original[1] }),
          chargeCents: chargeCents ?? 0,
          paidCents: paidCents ?? 0,
          ...(units !== undefined && { units }),
          adjustments: [],
          remarks: [],
        };
        claim.lines.push(line);
        break;
      }
      case 'REF':
        if (line !== null && el(token, 1) === '6R') {
          const number = optional(el(token, 2));
          if (number !== undefined) line.lineControlNumber = number;
        }
        break;
      case 'LQ':
        if (line === null || claim === null) break;
        if (el(token, 1) === 'HE') line.remarks.push(el(token, 2));
        else problems.warn('REMARK_NOT_KEPT', `LQ01 ${el(token, 1)} is not a remittance advice remark (HE); ${el(token, 2)} is not kept`, position, claim.claimId);
        break;
      case 'PLB': {
        claim = null;
        line = null;
        const providerId = el(token, 1);
        const fiscalPeriodDate = x12Date(el(token, 2));
        for (let k = 0; k < PLB_PAIRS_MAX; k++) {
          const reason = el(token, 3 + 2 * k);
          if (reason === '' && el(token, 4 + 2 * k) === '') continue;
          const [reasonCode = '', reference] = split(reason, position);
          const amountCents = amount(token, 4 + 2 * k, position, true);
          if (amountCents === undefined) continue;
          if (reasonCode === '') {
            problems.add('INVALID_PROVIDER_ADJUSTMENT', `PLB${String(3 + 2 * k).padStart(2, '0')} names no adjustment reason`, position, 'transaction');
            continue;
          }
          providerAdjustments.push({
            position,
            providerId,
            ...(fiscalPeriodDate !== undefined && { fiscalPeriodDate }),
            reasonCode,
            ...(reference !== undefined && reference !== '' && { reference }),
            amountCents,
          });
        }
        break;
      }
      case 'LX':
      case 'TS3':
      case 'TS2':
        line = null;
        break;
      default:
        break;
    }
  }

  if (!bpr) problems.add('PAYMENT_MISSING', 'no BPR segment: the payment amount is unknown', first.position, 'transaction');
  const bprToken = bpr?.token ?? { tag: 'BPR', elements: [] };
  const bprPosition = bpr?.position ?? first.position;
  const paidCents = bpr ? amount(bprToken, 2, bprPosition, true) : undefined;
  const paymentDate = x12Date(el(bprToken, 16)) ?? productionDate;
  const payerIdentifier = trn ? optional(el(trn.token, 3)) : undefined;
  const paymentMethod = optional(el(bprToken, 4));
  const advice: RemittanceAdvice = {
    position: first.position,
    traceNumber,
    ...(payerIdentifier !== undefined && { payerIdentifier }),
    ...(payerName !== undefined && { payerName }),
    ...(payeeIdentifier !== undefined && { payeeIdentifier }),
    transactionHandlingCode: el(bprToken, 1),
    paidCents: paidCents ?? 0,
    creditDebit: el(bprToken, 3),
    ...(paymentMethod !== undefined && { paymentMethod }),
    ...(paymentDate !== undefined && { paymentDate }),
    claims,
    providerAdjustments,
    ...(transaction.version !== undefined && { version: transaction.version }),
  };
  const body = segments.slice(1, -1).map((s) => [s.token.tag, ...s.token.elements].join('\u001f')).join('\u001e');
  const contentDigest = createHash('sha256').update(body).digest('hex');
  return { read: { advice, contentDigest, problems: problems.list }, warnings: problems.warnings };
};

/** Reads every 835 transaction set of a tokenised file. */
export const read835 = (document: X12Document): Read835 => {
  const envelope = walkEnvelope(document);
  const problems = [...document.problems, ...envelope.problems];
  const warnings = [...document.warnings];
  if (document.tokens.length === 0 && document.problems.length === 0) {
    problems.push({ code: 'NOT_X12', message: 'the file holds no X12 segments', scope: 'file', position: { segment: 1, tag: '' } });
  }
  if (envelope.transactions.length === 0 && document.tokens.length > 0) {
    problems.push({ code: 'NO_TRANSACTION', message: 'the file holds no transaction set (ST…SE)', scope: 'file', position: { segment: 1, tag: document.tokens[0]?.tag ?? '' } });
  }
  const transactions = envelope.transactions.map((t) => {
    const { read, warnings: transactionWarnings } = readTransaction(t, document.componentSeparator);
    warnings.push(...transactionWarnings);
    return read;
  });
  return { transactions, problems, warnings };
};
