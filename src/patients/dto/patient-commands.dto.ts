import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import { IsArrayOf, IsCents, IsIsoInstant, IsOmittable } from '../../common/validation';
import { ID_LENGTH_MAX } from '../../encounters/dto/code-encounter.dto';
import { PAYMENT_METHODS, type PaymentMethod } from '../patient';

export const ALLOCATIONS_MAX = 100;

export class AllocationDto {
  @ApiProperty({ example: 'clm-1001' }) @IsString() @Length(1, ID_LENGTH_MAX) claimId!: string;
  @ApiProperty({ example: 2000 }) @IsCents(1) amountCents!: number;
}

export class ReceivePaymentDto {
  @ApiProperty({ example: 'pay-9001' }) @IsString() @Length(1, ID_LENGTH_MAX) paymentId!: string;
  @ApiProperty({ example: 2000 }) @IsCents(1) amountCents!: number;
  @ApiProperty({ enum: PAYMENT_METHODS }) @IsIn(PAYMENT_METHODS) method!: PaymentMethod;
  @ApiProperty({ type: [AllocationDto], description: 'what is not allocated becomes patient credit' })
  @IsArrayOf(() => AllocationDto, { max: ALLOCATIONS_MAX })
  allocations!: AllocationDto[];
  @ApiPropertyOptional() @IsOmittable() @IsIsoInstant() receivedAt?: string;
}

export class IssueRefundDto {
  @ApiProperty({ example: 'ref-31' }) @IsString() @Length(1, ID_LENGTH_MAX) refundId!: string;
  @ApiProperty({ example: 500 }) @IsCents(1) amountCents!: number;
  @ApiPropertyOptional({ description: 'refund a claim overpayment; absent: from unallocated credit' })
  @IsOmittable()
  @IsString()
  @Length(1, ID_LENGTH_MAX)
  claimId?: string;
  @ApiPropertyOptional() @IsOmittable() @IsIsoInstant() issuedAt?: string;
}
