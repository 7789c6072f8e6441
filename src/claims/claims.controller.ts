import { Body, Controller, Param, Post, Res, UseFilters, UseInterceptors } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { CommandContext } from '../common/command-context';
import { Command } from '../common/command-context.decorator';
import { toServiceLine } from '../encounters/dto/service-line.dto';
import { ClaimFailedScrubFilter } from '../scrubbing/claim-failed-scrub.filter';
import type { Adjustment } from './claim';
import { ClaimCommands } from './claim-commands';
import type { ClaimView } from './claim-view';
import { correctClaim } from './correct-claim/correct-claim';
import {
  AdjustmentDto,
  CorrectClaimDto,
  PostRemittanceDto,
  PostWriteOffDto,
  ReceiveDenialDto,
  RejectClaimDto,
  ResubmitClaimDto,
  ReverseRemittanceDto,
  SubmitClaimDto,
  VoidClaimDto,
} from './dto/claim-commands.dto';
import { postRemittance } from './post-remittance/post-remittance';
import { postWriteOff } from './post-write-off/post-write-off';
import { receiveDenial } from './receive-denial/receive-denial';
import { rejectClaim } from './reject-claim/reject-claim';
import { reverseRemittance } from './reverse-remittance/reverse-remittance';
import { voidClaim } from './void-claim/void-claim';
import { IdempotencyInterceptor } from '../idempotency/idempotency.interceptor';

const toAdjustment = (a: AdjustmentDto): Adjustment => ({ group: a.group, reason: a.reason, amountCents: a.amountCents });

@ApiTags('claims')
@ApiHeader({ name: 'X-Actor', required: false, description: 'who is acting; recorded on every event' })
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'a retry with the same key posts nothing twice' })
@ApiHeader({ name: 'If-Match', required: false, description: 'the claim revision (ETag) you last read; a mismatch is a 412' })
@UseInterceptors(IdempotencyInterceptor)
@Controller('claims')
export class ClaimsController {
  constructor(private readonly claims: ClaimCommands) {}

  private answer(reply: FastifyReply, view: ClaimView): ClaimView {
    reply.header('ETag', `"${view.revision}"`);
    return view;
  }

  @Post()
  @UseFilters(ClaimFailedScrubFilter)
  @ApiOperation({ summary: 'Submit a claim for a coded encounter (scrubbed and priced first: an error edit is a 422 listing every failed edit)' })
  async submit(@Body() body: SubmitClaimDto, @Command() context: CommandContext, @Res({ passthrough: true }) reply: FastifyReply) {
    const view = await this.claims.submit(
      {
        claimId: body.claimId,
        encounterId: body.encounterId,
        payerId: body.payerId,
        memberId: body.memberId,
        submittedAt: body.submittedAt ?? this.claims.now(),
      },
      context,
    );
    reply.header('Location', `/claims/${encodeURIComponent(view.claimId)}`);
    return this.answer(reply, view);
  }

  @Post(':claimId/rejections')
  @ApiOperation({ summary: 'Record a front-end rejection' })
  async reject(@Param('claimId') claimId: string, @Body() body: RejectClaimDto, @Command() context: CommandContext, @Res({ passthrough: true }) reply: FastifyReply) {
    const rejectedAt = body.rejectedAt ?? this.claims.now();
    const reasons = body.reasons.map((r) => ({ code: r.code, message: r.message }));
    return this.answer(reply, await this.claims.run(claimId, context, (claim) => rejectClaim({ claimId, reasons, rejectedAt }, claim)));
  }

  @Post(':claimId/denials')
  @ApiOperation({ summary: 'Record a denial (whole claim or some lines)' })
  async deny(@Param('claimId') claimId: string, @Body() body: ReceiveDenialDto, @Command() context: CommandContext, @Res({ passthrough: true }) reply: FastifyReply) {
    const command = {
      claimId,
      remittanceId: body.remittanceId,
      adjustments: body.adjustments.map(toAdjustment),
      remarks: body.remarks ?? [],
      receivedAt: body.receivedAt ?? this.claims.now(),
      ...(body.payerClaimControlNumber !== undefined && { payerClaimControlNumber: body.payerClaimControlNumber }),
      ...(body.lineNumbers !== undefined && { lineNumbers: [...body.lineNumbers] }),
    };
    return this.answer(reply, await this.claims.run(claimId, context, (claim) => receiveDenial(command, claim)));
  }

  @Post(':claimId/corrections')
  @ApiOperation({ summary: 'Correct a rejected or denied claim (replace diagnoses and/or lines)' })
  async correct(@Param('claimId') claimId: string, @Body() body: CorrectClaimDto, @Command() context: CommandContext, @Res({ passthrough: true }) reply: FastifyReply) {
    const command = {
      claimId,
      reason: body.reason,
      correctedAt: body.correctedAt ?? this.claims.now(),
      ...(body.diagnoses !== undefined && { diagnoses: [...body.diagnoses] }),
      ...(body.lines !== undefined && { lines: body.lines.map(toServiceLine) }),
    };
    return this.answer(reply, await this.claims.run(claimId, context, (claim) => correctClaim(command, claim)));
  }

  @Post(':claimId/resubmissions')
  @UseFilters(ClaimFailedScrubFilter)
  @ApiOperation({ summary: 'Resubmit a corrected claim (frequency 7), scrubbed and priced afresh' })
  async resubmit(@Param('claimId') claimId: string, @Body() body: ResubmitClaimDto, @Command() context: CommandContext, @Res({ passthrough: true }) reply: FastifyReply) {
    const resubmittedAt = body.resubmittedAt ?? this.claims.now();
    return this.answer(reply, await this.claims.resubmit({ claimId, resubmittedAt }, context));
  }

  @Post(':claimId/remittances')
  @ApiOperation({ summary: 'Post a payer remittance: payment and adjustments, balancing per line' })
  async remit(@Param('claimId') claimId: string, @Body() body: PostRemittanceDto, @Command() context: CommandContext, @Res({ passthrough: true }) reply: FastifyReply) {
    const command = {
      claimId,
      remittanceId: body.remittanceId,
      paidCents: body.paidCents,
      lines: body.lines.map((l) => ({ lineNumber: l.lineNumber, paidCents: l.paidCents, adjustments: l.adjustments.map(toAdjustment) })),
      receivedAt: body.receivedAt ?? this.claims.now(),
      ...(body.payerClaimControlNumber !== undefined && { payerClaimControlNumber: body.payerClaimControlNumber }),
      ...(body.adjustments !== undefined && { adjustments: body.adjustments.map(toAdjustment) }),
      ...(body.remarks !== undefined && { remarks: [...body.remarks] }),
    };
    return this.answer(reply, await this.claims.run(claimId, context, (claim) => postRemittance(command, claim)));
  }

  @Post(':claimId/remittances/:remittanceId/reversal')
  @ApiOperation({ summary: 'Reverse a remittance (payer take-back)' })
  async reverse(
    @Param('claimId') claimId: string,
    @Param('remittanceId') remittanceId: string,
    @Body() body: ReverseRemittanceDto,
    @Command() context: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const reversedAt = body.reversedAt ?? this.claims.now();
    return this.answer(reply, await this.claims.run(claimId, context, (claim) => reverseRemittance({ claimId, remittanceId, reversedAt }, claim)));
  }

  @Post(':claimId/write-offs')
  @ApiOperation({ summary: 'Write off part of the payer or patient balance' })
  async writeOff(@Param('claimId') claimId: string, @Body() body: PostWriteOffDto, @Command() context: CommandContext, @Res({ passthrough: true }) reply: FastifyReply) {
    const command = { claimId, amountCents: body.amountCents, from: body.from, reason: body.reason, postedAt: body.postedAt ?? this.claims.now() };
    return this.answer(reply, await this.claims.run(claimId, context, (claim) => postWriteOff(command, claim)));
  }

  @Post(':claimId/void')
  @ApiOperation({ summary: 'Void a claim with no payment standing (frequency 8)' })
  async void(@Param('claimId') claimId: string, @Body() body: VoidClaimDto, @Command() context: CommandContext, @Res({ passthrough: true }) reply: FastifyReply) {
    const command = { claimId, reason: body.reason, voidedAt: body.voidedAt ?? this.claims.now() };
    return this.answer(reply, await this.claims.run(claimId, context, (claim) => voidClaim(command, claim)));
  }
}
