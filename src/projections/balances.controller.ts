import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CLOCK, type Clock } from '../common/clock';
import { parseCutoff } from '../common/query-params';
import { LedgerQueries } from './ledger-queries';

@ApiTags('balances')
@Controller()
export class BalancesController {
  constructor(
    private readonly queries: LedgerQueries,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('patients/:patientId/balance')
  @ApiOperation({ summary: "What the patient owes: Σ claim patient balances − unallocated credit; ?asOf= replays" })
  patientBalance(@Param('patientId') patientId: string, @Query('asOf') asOf?: string, @Query('position') position?: string) {
    return this.queries.patientBalance(patientId, parseCutoff(asOf, position));
  }

  @Get('payers/:payerId/balance')
  @ApiOperation({ summary: 'What the payer owes, aged by days since first submission; ?asOf= replays and ages at that instant' })
  payerBalance(@Param('payerId') payerId: string, @Query('asOf') asOf?: string, @Query('position') position?: string) {
    const cutoff = parseCutoff(asOf, position);
    const agingAsOf = cutoff?.recordedAt !== undefined ? new Date(cutoff.recordedAt) : this.clock.now();
    return this.queries.payerBalance(payerId, agingAsOf, cutoff);
  }
}
