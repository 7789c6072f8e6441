import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsString, Length, Max, Min } from 'class-validator';
import { IsCents, IsIsoDate, IsIsoInstant, IsOmittable } from '../../common/validation';
import { ID_LENGTH_MAX } from '../../encounters/dto/code-encounter.dto';
import { GRACE_DAYS_MAX, PLAN_INSTALLMENTS_MAX } from '../agree-payment-plan/agree-payment-plan';
import { CLAIMS_PER_COMMAND_MAX } from '../billing-rules';
import { PLAN_FREQUENCIES, type PlanFrequency } from '../patient-billing-events';
import { AGENCY_LENGTH_MAX } from '../place-with-collections/place-with-collections';

export const REASON_LENGTH_MAX = 500;

export class IssueStatementDto {
  @ApiPropertyOptional({ description: 'default: derived from the cut-off (stmt-2026-01-31 for the end of a day)', example: 'stmt-2026-01-31' })
  @IsOmittable()
  @IsString()
  @Length(1, ID_LENGTH_MAX)
  statementId?: string;

  @ApiPropertyOptional({ description: 'the cut-off: an ISO instant, or a date (the end of that day, UTC); default now; never in the future', example: '2026-01-31' })
  @IsOmittable()
  @IsString()
  asOf?: string;

  @ApiPropertyOptional({ description: 'default: the statement date + 30 days', example: '2026-03-02' })
  @IsOmittable()
  @IsIsoDate()
  dueDate?: string;

  @ApiPropertyOptional() @IsOmittable() @IsIsoInstant() issuedAt?: string;
}

export class AgreePaymentPlanDto {
  @ApiProperty({ example: 'plan-1' }) @IsString() @Length(1, ID_LENGTH_MAX) planId!: string;

  @ApiProperty({ type: [String], example: ['clm-1001', 'clm-1002'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(CLAIMS_PER_COMMAND_MAX)
  @IsString({ each: true })
  @Length(1, ID_LENGTH_MAX, { each: true })
  claimIds!: string[];

  @ApiPropertyOptional({ description: 'default: everything owed on the claims', example: 30000 }) @IsOmittable() @IsCents(1) totalCents?: number;
  @ApiProperty({ example: 3 }) @IsInt() @Min(1) @Max(PLAN_INSTALLMENTS_MAX) installmentCount!: number;
  @ApiProperty({ example: '2026-02-15' }) @IsIsoDate() firstDueDate!: string;
  @ApiProperty({ enum: PLAN_FREQUENCIES }) @IsIn(PLAN_FREQUENCIES) frequency!: PlanFrequency;
  @ApiPropertyOptional({ description: 'default PLAN_MISSES_TO_DEFAULT (2), at most the installment count' })
  @IsOmittable()
  @IsInt()
  @Min(1)
  @Max(PLAN_INSTALLMENTS_MAX)
  missesToDefault?: number;

  @ApiPropertyOptional({ description: 'days after a due date before an unpaid installment is missed; default PLAN_GRACE_DAYS (0)' })
  @IsOmittable()
  @IsInt()
  @Min(0)
  @Max(GRACE_DAYS_MAX)
  graceDays?: number;

  @ApiPropertyOptional() @IsOmittable() @IsIsoInstant() agreedAt?: string;
}

export class PlaceWithCollectionsDto {
  @ApiProperty({ example: 'plc-1' }) @IsString() @Length(1, ID_LENGTH_MAX) placementId!: string;
  @ApiProperty({ example: 'Acme Recovery LLC' }) @IsString() @Length(1, AGENCY_LENGTH_MAX) agency!: string;

  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(CLAIMS_PER_COMMAND_MAX)
  @IsString({ each: true })
  @Length(1, ID_LENGTH_MAX, { each: true })
  claimIds!: string[];

  @ApiPropertyOptional() @IsOmittable() @IsIsoInstant() placedAt?: string;
}

export class RecallFromCollectionsDto {
  @ApiProperty({ example: 'patient disputes the balance' }) @IsString() @Length(1, REASON_LENGTH_MAX) reason!: string;
  @ApiPropertyOptional() @IsOmittable() @IsIsoInstant() recalledAt?: string;
}
