import { Body, Controller, HttpCode, Inject, Post, UseInterceptors } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { loadClaim } from '../claims/claim-repository';
import { CLOCK, type Clock } from '../common/clock';
import { InvalidInput, NotFound } from '../common/errors';
import { loadEncounter } from '../encounters/encounter-commands';
import { EVENT_STORE, type EventStore } from '../event-store/event-store';
import { ScrubClaimDto } from './dto/scrub-claim.dto';
import type { ScrubClaim } from './edits';
import { SubmissionChecks } from './submission-checks';
import { businessDateOf } from './vet-submission';
import { IdempotencyInterceptor } from '../idempotency/idempotency.interceptor';

const INLINE_FIELDS = ['dateOfService', 'diagnoses', 'lines'] as const;

@ApiTags('claims')
@UseInterceptors(IdempotencyInterceptor)
@Controller('claims/scrub')
export class ScrubController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly checks: SubmissionChecks,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Run the pre-submission edits and pricing on a claim without submitting it: the verdict, every failed edit, the expected payment' })
  async scrub(@Body() body: ScrubClaimDto) {
    const claim = await this.claimToScrub(body);
    const verdict = (await this.checks.forPayer(claim.payerId)).verdict(claim);
    return { submittable: verdict.submittable, ruleSet: this.checks.ruleSet, edits: verdict.findings, expectedPayment: verdict.expectedPayment };
  }

  private async claimToScrub(body: ScrubClaimDto): Promise<ScrubClaim> {
    const submittedOn = businessDateOf(body.submittedAt ?? this.clock.now().toISOString());
    const inline = INLINE_FIELDS.filter((field) => body[field] !== undefined);
    const sources = [body.claimId !== undefined, body.encounterId !== undefined, inline.length > 0].filter(Boolean).length;
    if (sources !== 1) {
      throw new InvalidInput('name one claim to scrub: claimId, or encounterId with payerId, or the claim inline (payerId, dateOfService, diagnoses, lines)', [
        { field: 'claimId', message: 'exactly one of claimId, encounterId, or the inline claim' },
      ]);
    }
    if (body.claimId !== undefined) {
      if (body.payerId !== undefined || body.memberId !== undefined) {
        throw new InvalidInput('a claim is scrubbed with its own payer and member id', [{ field: 'payerId', message: 'not with claimId' }]);
      }
      const { state } = await loadClaim(this.store, body.claimId);
      if (state === null) throw new NotFound(`claim ${body.claimId} does not exist`);
      return { payerId: state.payerId, memberId: state.memberId, dateOfService: state.dateOfService, diagnoses: state.diagnoses, lines: state.lines, submittedOn };
    }
    if (body.payerId === undefined) throw new InvalidInput('payerId is required', [{ field: 'payerId', message: 'the payer the claim would go to' }]);
    if (body.encounterId !== undefined) {
      const { state } = await loadEncounter(this.store, body.encounterId);
      if (state === null) throw new NotFound(`encounter ${body.encounterId} has not been coded`);
      return { payerId: body.payerId, memberId: body.memberId, dateOfService: state.dateOfService, diagnoses: state.diagnoses, lines: state.lines, submittedOn };
    }
    const missing = INLINE_FIELDS.filter((field) => body[field] === undefined);
    if (missing.length > 0) throw new InvalidInput('an inline claim needs dateOfService, diagnoses and lines', missing.map((field) => ({ field, message: 'required' })));
    return {
      payerId: body.payerId,
      memberId: body.memberId,
      dateOfService: body.dateOfService as string,
      diagnoses: body.diagnoses as string[],
      lines: (body.lines ?? []).map((line) => ({
        lineNumber: line.lineNumber,
        procedureCode: line.procedureCode,
        modifiers: [...line.modifiers],
        units: line.units,
        chargeCents: line.chargeCents,
        diagnosisPointers: [...line.diagnosisPointers],
      })),
      submittedOn,
    };
  }
}
