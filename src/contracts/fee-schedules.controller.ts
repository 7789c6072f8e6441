import { Body, Controller, Get, Param, Post, Query, Res, UseInterceptors } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { CommandContext } from '../common/command-context';
import { Command } from '../common/command-context.decorator';
import { isIsoDate } from '../common/dates';
import { InvalidInput } from '../common/errors';
import { ID_LENGTH_MAX } from '../encounters/dto/code-encounter.dto';
import { LoadFeeScheduleDto } from './dto/load-fee-schedule.dto';
import type { ModifierRule } from './fee-schedule';
import { FeeScheduleCommands } from './fee-schedule-commands';
import { parseModifierAdjustment } from './modifier-adjustment';
import { IdempotencyInterceptor } from '../idempotency/idempotency.interceptor';

const payerIdOf = (payerId: string): string => {
  if (payerId.length < 1 || payerId.length > ID_LENGTH_MAX) throw new InvalidInput(`a payer id is 1 to ${ID_LENGTH_MAX} characters`, [{ field: 'payerId', message: 'bad length' }]);
  return payerId;
};

@ApiTags('contracts')
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'a retry with the same key loads nothing twice' })
@UseInterceptors(IdempotencyInterceptor)
@Controller('payers/:payerId/fee-schedules')
export class FeeSchedulesController {
  constructor(private readonly feeSchedules: FeeScheduleCommands) {}

  @Post()
  @ApiOperation({ summary: "Load a payer's fee schedule (rows and modifier rules) for an effective date range" })
  async load(@Param('payerId') payerId: string, @Body() body: LoadFeeScheduleDto, @Command() context: CommandContext, @Res({ passthrough: true }) reply: FastifyReply) {
    const modifierRules = (body.modifierRules ?? []).map((rule, i): ModifierRule => {
      const parsed = parseModifierAdjustment(rule.modifier, rule.change);
      if (typeof parsed === 'string') throw new InvalidInput('a modifier rule is not valid', [{ field: `modifierRules[${i}].change`, message: parsed }]);
      return parsed;
    });
    const summary = await this.feeSchedules.load(
      {
        payerId: payerIdOf(payerId),
        effectiveFrom: body.effectiveFrom,
        rows: body.rows.map((row) => ({
          procedureCode: row.procedureCode,
          ...(row.modifier !== undefined && { modifier: row.modifier }),
          allowedCents: row.allowedCents,
          unitsPolicy: row.unitsPolicy,
        })),
        modifierRules,
        loadedAt: body.loadedAt ?? this.feeSchedules.now(),
        ...(body.scheduleId !== undefined && { scheduleId: body.scheduleId }),
        ...(body.effectiveTo !== undefined && { effectiveTo: body.effectiveTo }),
      },
      context,
    );
    reply.header('Location', `/payers/${encodeURIComponent(summary.payerId)}/fee-schedules/${encodeURIComponent(summary.scheduleId)}`);
    return summary;
  }

  @Get()
  @ApiOperation({ summary: "The payer's fee schedules in load order; ?dateOfService= also names the one in force on that date" })
  list(@Param('payerId') payerId: string, @Query('dateOfService') dateOfService?: string) {
    if (dateOfService !== undefined && !isIsoDate(dateOfService)) {
      throw new InvalidInput('dateOfService must be a date YYYY-MM-DD', [{ field: 'dateOfService', message: 'YYYY-MM-DD' }]);
    }
    return this.feeSchedules.list(payerIdOf(payerId), dateOfService);
  }

  @Get(':scheduleId')
  @ApiOperation({ summary: 'One fee schedule with its rows' })
  get(@Param('payerId') payerId: string, @Param('scheduleId') scheduleId: string) {
    return this.feeSchedules.get(payerIdOf(payerId), scheduleId);
  }
}
