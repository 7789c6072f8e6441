import type { Claim, ClaimResubmitted, ClaimSubmitted } from '../claims/claim';
import { RuleViolation } from '../common/errors';
import type { FeeSchedule } from '../contracts/fee-schedule';
import { priceClaim, type ExpectedPayment } from '../contracts/pricing';
import { scrubClaim, type ScrubClaim, type ScrubFinding } from './edits';
import type { ScrubRules } from './scrub-rules';

const where = (finding: ScrubFinding): string =>
  finding.lineNumbers === undefined ? '' : ` (line${finding.lineNumbers.length > 1 ? 's' : ''} ${finding.lineNumbers.join(', ')})`;

/** A claim that fails one or more error edits: nothing is sent, nothing appended; every failed edit is listed (HTTP 422). */
export class ClaimFailedScrub extends RuleViolation {
  constructor(readonly findings: readonly ScrubFinding[]) {
    const errors = findings.filter((f) => f.severity === 'error');
    super(
      'CLAIM_FAILED_SCRUB',
      `the claim fails ${errors.length} pre-submission edit${errors.length === 1 ? '' : 's'} and was not sent: ${errors.map((e) => `${e.editId}${where(e)}`).join(', ')}`,
    );
    this.name = 'ClaimFailedScrub';
  }
}

/** What a submission to this payer is checked and priced with, gathered before deciding. */
export interface SubmissionSetup {
  rules: ScrubRules;
  /** The payer's fee schedules as loaded when the claim goes out. */
  schedules: readonly FeeSchedule[];
}

export interface Verdict {
  /** No error edit failed: the claim may go out. */
  submittable: boolean;
  findings: ScrubFinding[];
  expectedPayment: ExpectedPayment | null;
}

/** Prices the claim from the schedule in force on its date of service, then scrubs it. Never throws on a failed edit. */
export const verdictFor = (claim: ScrubClaim, setup: SubmissionSetup): Verdict => {
  const expectedPayment = priceClaim(claim.lines, setup.schedules, claim.dateOfService);
  const findings = scrubClaim(claim, setup.rules, expectedPayment);
  return { submittable: findings.every((f) => f.severity !== 'error'), findings, expectedPayment };
};

/** What a vetted submission adds to its event: the expected payment and the warnings, each only when there is one. */
export type SubmissionAddenda = { expectedPayment?: ExpectedPayment; scrubWarnings?: ScrubFinding[] };

/** Scrubs and prices a claim going out; any error edit throws ClaimFailedScrub listing every failed edit. */
export const vetSubmission = (claim: ScrubClaim, setup: SubmissionSetup): SubmissionAddenda => {
  const verdict = verdictFor(claim, setup);
  if (!verdict.submittable) throw new ClaimFailedScrub(verdict.findings);
  return {
    ...(verdict.expectedPayment !== null && { expectedPayment: verdict.expectedPayment }),
    ...(verdict.findings.length > 0 && { scrubWarnings: verdict.findings }),
  };
};

/** A business timestamp's calendar date, in the offset it was given in (payers date things as they do). */
export const businessDateOf = (timestamp: string): string => timestamp.slice(0, 10);

/** An original submission, vetted: the event gains its expected payment and warnings. */
export const vetOriginal = (event: ClaimSubmitted, setup: SubmissionSetup): ClaimSubmitted => {
  const data = event.data;
  const addenda = vetSubmission(
    {
      payerId: data.payerId,
      memberId: data.memberId,
      dateOfService: data.dateOfService,
      diagnoses: data.diagnoses,
      lines: data.lines,
      submittedOn: businessDateOf(data.submittedAt),
    },
    setup,
  );
  return { type: event.type, data: { ...data, ...addenda } };
};

/** A replacement (the corrected claim going out again), vetted as it now stands and priced afresh. */
export const vetReplacement = (event: ClaimResubmitted, claim: Claim, setup: SubmissionSetup): ClaimResubmitted => {
  const addenda = vetSubmission(
    {
      payerId: claim.payerId,
      memberId: claim.memberId,
      dateOfService: claim.dateOfService,
      diagnoses: claim.diagnoses,
      lines: claim.lines,
      submittedOn: businessDateOf(event.data.resubmittedAt),
    },
    setup,
  );
  return { type: event.type, data: { ...event.data, ...addenda } };
};
