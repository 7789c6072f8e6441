import { Inject, Injectable } from '@nestjs/common';
import type { Claim, ClaimResubmitted, ClaimSubmitted } from '../claims/claim';
import { FeeScheduleRepository } from '../contracts/fee-schedule-repository';
import type { ScrubClaim } from './edits';
import type { ScrubRules } from './scrub-rules';
import { verdictFor, vetOriginal, vetReplacement, type SubmissionSetup, type Verdict } from './vet-submission';

export const SCRUB_RULES = Symbol('ScrubRules');

/** Vets one payer's submissions with what was read before deciding; the methods are pure and synchronous. */
export interface SubmissionVetter {
  /** The original submission with its expected payment and warnings; throws ClaimFailedScrub on an error edit. */
  original(event: ClaimSubmitted): ClaimSubmitted;
  /** The replacement, vetted as the corrected claim now stands; throws ClaimFailedScrub on an error edit. */
  replacement(event: ClaimResubmitted, claim: Claim): ClaimResubmitted;
  /** The verdict without submitting (POST /claims/scrub). */
  verdict(claim: ScrubClaim): Verdict;
}

/**
 * The pre-submission gate claim commands run: the scrub rules (loaded at start) and the payer's
 * fee schedules (read per submission, so one loaded a moment ago counts).
 */
@Injectable()
export class SubmissionChecks {
  constructor(
    @Inject(SCRUB_RULES) private readonly rules: ScrubRules,
    private readonly feeSchedules: FeeScheduleRepository,
  ) {}

  get ruleSet(): 'configured' | 'built-in' {
    return this.rules.source === null ? 'built-in' : 'configured';
  }

  async forPayer(payerId: string): Promise<SubmissionVetter> {
    const { state } = await this.feeSchedules.load(payerId);
    const setup: SubmissionSetup = { rules: this.rules, schedules: state.schedules };
    return {
      original: (event) => vetOriginal(event, setup),
      replacement: (event, claim) => vetReplacement(event, claim, setup),
      verdict: (claim) => verdictFor(claim, setup),
    };
  }
}
