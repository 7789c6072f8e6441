import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { LEDGER_CONFIG, type LedgerConfig } from '../common/config';
import { InvalidInput, NotFound } from '../common/errors';
import { parseCursor, parseLimit } from '../common/query-params';
import { UnderpaymentQueries, WORKLIST_LIMIT_MAX } from './underpayment-queries';

export const TOLERANCE_CENTS_MAX = 100_000_000;

@ApiTags('worklists')
@Controller()
export class WorklistsController {
  constructor(
    private readonly queries: UnderpaymentQueries,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {}

  @Get('worklists/underpayments')
  @ApiOperation({ summary: 'Remitted lines paid below contract (paid + PR < expected allowed) by more than the tolerance; ?toleranceCents= overrides UNDERPAYMENT_TOLERANCE_CENTS' })
  underpayments(
    @Query('payerId') payerId?: string,
    @Query('claimId') claimId?: string,
    @Query('toleranceCents') toleranceCents?: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ) {
    if (toleranceCents !== undefined && !(/^\d{1,9}$/.test(toleranceCents) && Number(toleranceCents) <= TOLERANCE_CENTS_MAX)) {
      throw new InvalidInput(`toleranceCents must be whole cents from 0 to ${TOLERANCE_CENTS_MAX}`, [{ field: 'toleranceCents', message: 'whole cents' }]);
    }
    const after = parseCursor(cursor);
    return this.queries.worklist({
      toleranceCents: toleranceCents !== undefined ? Number(toleranceCents) : (this.config.underpaymentToleranceCents ?? 0),
      limit: parseLimit(limit, 50, WORKLIST_LIMIT_MAX),
      ...(payerId !== undefined && { payerId }),
      ...(claimId !== undefined && { claimId }),
      ...(after !== undefined && { cursor: after }),
    });
  }

  @Get('claims/:claimId/variances')
  @ApiOperation({ summary: "Every remitted line of the claim against its contract: expected, allowed (paid + PR), variance" })
  claimVariances(@Param('claimId') claimId: string) {
    const variances = this.queries.claimVariances(claimId);
    if (variances === null) throw new NotFound(`claim ${claimId} does not exist`);
    return variances;
  }
}
