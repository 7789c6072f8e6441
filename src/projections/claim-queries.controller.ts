import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { ClaimView } from '../claims/claim-view';
import { InvalidInput } from '../common/errors';
import { parseCursor, parseCutoff, parseLimit } from '../common/query-params';
import { HISTORY_LIMIT_MAX, LedgerQueries, LIST_LIMIT_MAX } from './ledger-queries';

const CLAIM_STATUSES = ['submitted', 'rejected', 'denied', 'partially_paid', 'paid', 'closed', 'corrected', 'voided'];

@ApiTags('claims')
@Controller()
export class ClaimQueriesController {
  constructor(private readonly queries: LedgerQueries) {}

  @Get('claims')
  @ApiOperation({ summary: 'Worklists: claims by status, payer or patient, paged by cursor' })
  list(
    @Query('status') status?: string,
    @Query('payerId') payerId?: string,
    @Query('patientId') patientId?: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ) {
    if (status !== undefined && !CLAIM_STATUSES.includes(status)) {
      throw new InvalidInput(`status must be one of ${CLAIM_STATUSES.join(', ')}`, [{ field: 'status', message: 'unknown status' }]);
    }
    const after = parseCursor(cursor);
    return this.queries.listClaims({
      limit: parseLimit(limit, 50, LIST_LIMIT_MAX),
      ...(status !== undefined && { status }),
      ...(payerId !== undefined && { payerId }),
      ...(patientId !== undefined && { patientId }),
      ...(after !== undefined && { cursor: after }),
    });
  }

  @Get('claims/:claimId')
  @ApiOperation({ summary: 'A claim with its status and balances; ?asOf= or ?position= replays it as the ledger knew it then' })
  async claim(
    @Param('claimId') claimId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('asOf') asOf?: string,
    @Query('position') position?: string,
  ): Promise<ClaimView> {
    const cutoff = parseCutoff(asOf, position);
    const view = cutoff === undefined ? this.queries.claim(claimId) : await this.queries.claimAsOf(claimId, cutoff);
    reply.header('ETag', `"${view.revision}"`);
    return view;
  }

  @Get('claims/:claimId/history')
  @ApiOperation({ summary: 'Every event that touched the claim, in global order, with the claim after each' })
  history(
    @Param('claimId') claimId: string,
    @Query('asOf') asOf?: string,
    @Query('position') position?: string,
    @Query('cursor') cursor?: string,
    @Query('limit') limit?: string,
  ) {
    const cutoff = parseCutoff(asOf, position);
    const after = parseCursor(cursor);
    return this.queries.history(claimId, {
      limit: parseLimit(limit, 100, HISTORY_LIMIT_MAX),
      ...(cutoff !== undefined && { cutoff }),
      ...(after !== undefined && { after }),
    });
  }

  @Get('claims/:claimId/denials')
  @ApiOperation({ summary: "The claim's denial history" })
  claimDenials(@Param('claimId') claimId: string) {
    return this.queries.claimDenials(claimId);
  }

  @Get('denials')
  @ApiOperation({ summary: 'Denials per payer and reason code: count, denied cents, overturned' })
  denials(@Query('payerId') payerId?: string, @Query('reason') reason?: string) {
    return this.queries.denialAggregates({ ...(payerId !== undefined && { payerId }), ...(reason !== undefined && { reason }) });
  }
}
