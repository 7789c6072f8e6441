import { Body, Controller, Get, Inject, Param, Post, Query, UseInterceptors } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CLOCK, type Clock } from '../common/clock';
import type { CommandContext } from '../common/command-context';
import { Command } from '../common/command-context.decorator';
import { InvalidInput } from '../common/errors';
import { parseCursor, parseLimit } from '../common/query-params';
import { PlaceWithCollectionsDto, RecallFromCollectionsDto } from './dto/patient-billing.dto';
import { PatientBillingCommands } from './patient-billing-commands';
import { PatientBillingQueries, WORKLIST_LIMIT_MAX } from './patient-billing-queries';
import { PATIENT_BILLING_POLICY, type PatientBillingPolicy } from './patient-billing.config';
import { IdempotencyInterceptor } from '../idempotency/idempotency.interceptor';

/** Bounds of the worklist's policy parameters. */
const OLDER_THAN_DAYS_MAX = 3_650;
const MIN_STATEMENTS_MAX = 100;

const wholeNumber = (value: string | undefined, field: string, fallback: number, min: number, max: number): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d{1,6}$/.test(value) || n < min || n > max) throw new InvalidInput(`${field} must be a whole number from ${min} to ${max}`, [{ field, message: `${min}..${max}` }]);
  return n;
};

@ApiTags('patient billing')
@ApiHeader({ name: 'X-Actor', required: false, description: 'who is acting; recorded on every event' })
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'a retry with the same key appends nothing twice' })
@UseInterceptors(IdempotencyInterceptor)
@Controller()
export class CollectionsController {
  constructor(
    private readonly commands: PatientBillingCommands,
    private readonly queries: PatientBillingQueries,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PATIENT_BILLING_POLICY) private readonly policy: PatientBillingPolicy,
  ) {}

  @Post('patients/:patientId/collections')
  @ApiOperation({ summary: "Place claims' patient balances with a collection agency" })
  place(@Param('patientId') patientId: string, @Body() body: PlaceWithCollectionsDto, @Command() context: CommandContext) {
    return this.commands.placeWithCollections(
      { patientId, placementId: body.placementId, agency: body.agency, claimIds: [...body.claimIds], ...(body.placedAt !== undefined && { placedAt: body.placedAt }) },
      context,
    );
  }

  @Get('patients/:patientId/collections')
  @ApiOperation({ summary: "The patient's collection placements, with what is still owed on them" })
  placements(@Param('patientId') patientId: string) {
    return this.queries.placements(patientId);
  }

  @Post('patients/:patientId/collections/:placementId/recall')
  @ApiOperation({ summary: 'Recall a placement from its agency' })
  recall(@Param('patientId') patientId: string, @Param('placementId') placementId: string, @Body() body: RecallFromCollectionsDto, @Command() context: CommandContext) {
    return this.commands.recallFromCollections({ patientId, placementId, reason: body.reason, ...(body.recalledAt !== undefined && { recalledAt: body.recalledAt }) }, context);
  }

  @Get('worklists/collections')
  @ApiOperation({
    summary:
      'Patients whose balances are ready for collections: billed on ?minStatements= statements, the first more than ?olderThanDays= days ago, on no current plan, not placed',
  })
  worklist(@Query('olderThanDays') olderThanDays?: string, @Query('minStatements') minStatements?: string, @Query('limit') limit?: string, @Query('cursor') cursor?: string) {
    const after = parseCursor(cursor);
    return this.queries.collectionsWorklist(
      {
        olderThanDays: wholeNumber(olderThanDays, 'olderThanDays', this.policy.collections.olderThanDays, 0, OLDER_THAN_DAYS_MAX),
        minStatements: wholeNumber(minStatements, 'minStatements', this.policy.collections.minStatements, 1, MIN_STATEMENTS_MAX),
      },
      this.today(),
      { limit: parseLimit(limit, 100, WORKLIST_LIMIT_MAX), ...(after !== undefined && { after }) },
    );
  }

  @Get('aging/patients')
  @ApiOperation({ summary: 'Every patient balance aged by first statement date; plans and collections reported apart' })
  aging() {
    return this.queries.agingSummary(this.today());
  }

  private today(): string {
    return this.clock.now().toISOString().slice(0, 10);
  }
}
