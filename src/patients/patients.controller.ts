import { Body, Controller, Param, Post, UseInterceptors } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '../common/command-context';
import { Command } from '../common/command-context.decorator';
import { IssueRefundDto, ReceivePaymentDto } from './dto/patient-commands.dto';
import { PatientCommands } from './patient-commands';
import { IdempotencyInterceptor } from '../idempotency/idempotency.interceptor';

@ApiTags('patients')
@ApiHeader({ name: 'X-Actor', required: false, description: 'who is acting; recorded on every event' })
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'a retry with the same key posts nothing twice' })
@UseInterceptors(IdempotencyInterceptor)
@Controller('patients')
export class PatientsController {
  constructor(private readonly patients: PatientCommands) {}

  @Post(':patientId/payments')
  @ApiOperation({ summary: 'Receive a patient payment, allocated to their claims; the rest is credit' })
  async pay(@Param('patientId') patientId: string, @Body() body: ReceivePaymentDto, @Command() context: CommandContext) {
    const balance = await this.patients.receivePayment(
      {
        patientId,
        paymentId: body.paymentId,
        amountCents: body.amountCents,
        method: body.method,
        receivedAt: body.receivedAt ?? this.patients.now(),
        allocations: body.allocations.map((a) => ({ claimId: a.claimId, amountCents: a.amountCents })),
      },
      context,
    );
    return { paymentId: body.paymentId, ...balance };
  }

  @Post(':patientId/refunds')
  @ApiOperation({ summary: "Refund a patient: from one claim's overpayment or from unallocated credit" })
  async refund(@Param('patientId') patientId: string, @Body() body: IssueRefundDto, @Command() context: CommandContext) {
    const balance = await this.patients.issueRefund(
      {
        patientId,
        refundId: body.refundId,
        amountCents: body.amountCents,
        issuedAt: body.issuedAt ?? this.patients.now(),
        ...(body.claimId !== undefined && { claimId: body.claimId }),
      },
      context,
    );
    return { refundId: body.refundId, ...balance };
  }
}
