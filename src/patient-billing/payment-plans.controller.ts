import { Body, Controller, Get, HttpCode, Param, Post, Query, UseInterceptors } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '../common/command-context';
import { Command } from '../common/command-context.decorator';
import { parseCutoff } from '../common/query-params';
import { AgreePaymentPlanDto } from './dto/patient-billing.dto';
import { PatientBillingCommands } from './patient-billing-commands';
import { PatientBillingQueries } from './patient-billing-queries';
import { IdempotencyInterceptor } from '../idempotency/idempotency.interceptor';

@ApiTags('patient billing')
@ApiHeader({ name: 'X-Actor', required: false, description: 'who is acting; recorded on every event' })
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'a retry with the same key appends nothing twice' })
@UseInterceptors(IdempotencyInterceptor)
@Controller('patients')
export class PaymentPlansController {
  constructor(
    private readonly commands: PatientBillingCommands,
    private readonly queries: PatientBillingQueries,
  ) {}

  @Post(':patientId/payment-plans')
  @ApiOperation({ summary: "Agree a payment plan on claims' patient balances: total, installments, schedule" })
  agree(@Param('patientId') patientId: string, @Body() body: AgreePaymentPlanDto, @Command() context: CommandContext) {
    return this.commands.agreePaymentPlan(
      {
        patientId,
        planId: body.planId,
        claimIds: [...body.claimIds],
        installmentCount: body.installmentCount,
        firstDueDate: body.firstDueDate,
        frequency: body.frequency,
        ...(body.totalCents !== undefined && { totalCents: body.totalCents }),
        ...(body.missesToDefault !== undefined && { missesToDefault: body.missesToDefault }),
        ...(body.graceDays !== undefined && { graceDays: body.graceDays }),
        ...(body.agreedAt !== undefined && { agreedAt: body.agreedAt }),
      },
      context,
    );
  }

  @Get(':patientId/payment-plans')
  @ApiOperation({ summary: "The patient's payment plans with each installment's payments and misses" })
  list(@Param('patientId') patientId: string) {
    return this.queries.plans(patientId);
  }

  @Get(':patientId/payment-plans/:planId')
  @ApiOperation({ summary: 'One payment plan' })
  one(@Param('patientId') patientId: string, @Param('planId') planId: string) {
    return this.queries.plan(patientId, planId);
  }

  @Post(':patientId/payment-plans/:planId/evaluate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Judge the plan at ?asOf= (default now; not in the future): append missed installments, a default or a completion as facts' })
  evaluate(@Param('patientId') patientId: string, @Param('planId') planId: string, @Command() context: CommandContext, @Query('asOf') asOf?: string) {
    const at = parseCutoff(asOf, undefined)?.recordedAt;
    return this.commands.evaluatePaymentPlan({ patientId, planId, ...(at !== undefined && { asOf: at }) }, context);
  }
}
