import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CLOCK, type Clock } from '../common/clock';
import { parseCursor, parseCutoff, parseLimit } from '../common/query-params';
import { LEDGER_LIMIT_MAX, PatientBillingQueries } from './patient-billing-queries';

@ApiTags('patient billing')
@Controller('patients')
export class PatientLedgerController {
  constructor(
    private readonly queries: PatientBillingQueries,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get(':patientId/ledger')
  @ApiOperation({ summary: 'Every charge, adjustment, payment, refund and write-off on the patient, in order, with the running balances; paged by event' })
  ledger(
    @Param('patientId') patientId: string,
    @Query('asOf') asOf?: string,
    @Query('position') position?: string,
    @Query('cursor') cursor?: string,
    @Query('limit') limit?: string,
  ) {
    const cutoff = parseCutoff(asOf, position);
    const after = parseCursor(cursor);
    return this.queries.ledger(patientId, {
      limit: parseLimit(limit, LEDGER_LIMIT_MAX, LEDGER_LIMIT_MAX),
      ...(cutoff !== undefined && { cutoff }),
      ...(after !== undefined && { after }),
    });
  }

  @Get(':patientId/aging')
  @ApiOperation({ summary: "The patient's balances aged by first statement date (plans and collections apart); ?asOf= replays and ages at that instant" })
  aging(@Param('patientId') patientId: string, @Query('asOf') asOf?: string, @Query('position') position?: string) {
    const cutoff = parseCutoff(asOf, position);
    const today = (cutoff?.recordedAt ?? this.clock.now().toISOString()).slice(0, 10);
    return this.queries.patientAging(patientId, today, cutoff);
  }
}
