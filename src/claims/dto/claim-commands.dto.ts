import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsString, Length, Max, Min } from 'class-validator';
import { ADJUSTMENT_GROUPS, type AdjustmentGroup } from '../../codes';
import { IsArrayOf, IsCents, IsCode, IsIsoInstant, IsOmittable } from '../../common/validation';
import { DIAGNOSES_MAX, LINES_MAX } from '../../encounters/coding-rules';
import { ID_LENGTH_MAX } from '../../encounters/dto/code-encounter.dto';
import { ServiceLineDto } from '../../encounters/dto/service-line.dto';
import { WRITE_OFF_REASONS, type WriteOffFrom, type WriteOffReason } from '../claim';

export const ADJUSTMENTS_MAX = 99;
export const REMARKS_MAX = 99;
export const TEXT_LENGTH_MAX = 500;

export class AdjustmentDto {
  @ApiProperty({ enum: ADJUSTMENT_GROUPS, example: 'CO' }) @IsIn(ADJUSTMENT_GROUPS) group!: AdjustmentGroup;
  @ApiProperty({ example: '45', description: 'CARC' }) @IsCode('carc') reason!: string;
  @ApiProperty({ example: 2500, description: 'may be negative, as in an 835' }) @IsCents(null) amountCents!: number;
}

export class SubmitClaimDto {
  @ApiProperty({ example: 'clm-1001' }) @IsString() @Length(1, ID_LENGTH_MAX) claimId!: string;
  @ApiProperty({ example: 'enc-1001' }) @IsString() @Length(1, ID_LENGTH_MAX) encounterId!: string;
  @ApiProperty({ example: 'payer-acme' }) @IsString() @Length(1, ID_LENGTH_MAX) payerId!: string;
  @ApiProperty({ example: 'MBR123456' }) @IsString() @Length(1, ID_LENGTH_MAX) memberId!: string;
  @ApiPropertyOptional() @IsOmittable() @IsIsoInstant() submittedAt?: string;
}

export class RejectionReasonDto {
  @ApiProperty({ example: 'A7:562' }) @IsString() @Length(1, 30) code!: string;
  @ApiProperty({ example: 'Entity identifier code missing' }) @IsString() @Length(1, TEXT_LENGTH_MAX) message!: string;
}

export class RejectClaimDto {
  @ApiProperty({ type: [RejectionReasonDto] })
  @IsArrayOf(() => RejectionReasonDto, { min: 1, max: ADJUSTMENTS_MAX })
  reasons!: RejectionReasonDto[];
  @ApiPropertyOptional() @IsOmittable() @IsIsoInstant() rejectedAt?: string;
}

export class ReceiveDenialDto {
  @ApiProperty({ example: 'era-20261102-001' }) @IsString() @Length(1, ID_LENGTH_MAX) remittanceId!: string;
  @ApiPropertyOptional() @IsOmittable() @IsString() @Length(1, 50) payerClaimControlNumber?: string;
  @ApiPropertyOptional({ type: [Number], description: 'absent: the whole claim' })
  @IsOmittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(LINES_MAX)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(999, { each: true })
  lineNumbers?: number[];
  @ApiProperty({ type: [AdjustmentDto] })
  @IsArrayOf(() => AdjustmentDto, { min: 1, max: ADJUSTMENTS_MAX })
  adjustments!: AdjustmentDto[];
  @ApiPropertyOptional({ type: [String], example: ['N130'] })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(REMARKS_MAX)
  @IsCode('rarc', { each: true })
  remarks?: string[];
  @ApiPropertyOptional() @IsOmittable() @IsIsoInstant() receivedAt?: string;
}

export class CorrectClaimDto {
  @ApiPropertyOptional({ type: [String] })
  @IsOmittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(DIAGNOSES_MAX)
  @IsCode('icd10cm', { each: true })
  diagnoses?: string[];
  @ApiPropertyOptional({ type: [ServiceLineDto] })
  @IsOmittable()
  @IsArrayOf(() => ServiceLineDto, { min: 1, max: LINES_MAX })
  lines?: ServiceLineDto[];
  @ApiProperty({ example: 'added modifier 25 to the E/M line' }) @IsString() @Length(1, TEXT_LENGTH_MAX) reason!: string;
  @ApiPropertyOptional() @IsOmittable() @IsIsoInstant() correctedAt?: string;
}

export class ResubmitClaimDto {
  @ApiPropertyOptional() @IsOmittable() @IsIsoInstant() resubmittedAt?: string;
}

export class RemittanceLineDto {
  @ApiProperty({ example: 1 }) @IsInt() @Min(1) @Max(999) lineNumber!: number;
  @ApiProperty({ example: 8000 }) @IsCents() paidCents!: number;
  @ApiProperty({ type: [AdjustmentDto] })
  @IsArrayOf(() => AdjustmentDto, { max: ADJUSTMENTS_MAX })
  adjustments!: AdjustmentDto[];
}

export class PostRemittanceDto {
  @ApiProperty({ example: 'era-20261110-042' }) @IsString() @Length(1, ID_LENGTH_MAX) remittanceId!: string;
  @ApiPropertyOptional() @IsOmittable() @IsString() @Length(1, 50) payerClaimControlNumber?: string;
  @ApiProperty({ example: 8000 }) @IsCents() paidCents!: number;
  @ApiProperty({ type: [RemittanceLineDto] })
  @IsArrayOf(() => RemittanceLineDto, { min: 1, max: LINES_MAX })
  lines!: RemittanceLineDto[];
  @ApiPropertyOptional({ type: [AdjustmentDto], description: 'claim-level adjustments' })
  @IsOmittable()
  @IsArrayOf(() => AdjustmentDto, { max: ADJUSTMENTS_MAX })
  adjustments?: AdjustmentDto[];
  @ApiPropertyOptional({ type: [String] })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(REMARKS_MAX)
  @IsCode('rarc', { each: true })
  remarks?: string[];
  @ApiPropertyOptional() @IsOmittable() @IsIsoInstant() receivedAt?: string;
}

export class ReverseRemittanceDto {
  @ApiPropertyOptional() @IsOmittable() @IsIsoInstant() reversedAt?: string;
}

export class PostWriteOffDto {
  @ApiProperty({ example: 1500 }) @IsCents(1) amountCents!: number;
  @ApiProperty({ enum: ['payer', 'patient'] }) @IsIn(['payer', 'patient']) from!: WriteOffFrom;
  @ApiProperty({ enum: WRITE_OFF_REASONS }) @IsIn(WRITE_OFF_REASONS) reason!: WriteOffReason;
  @ApiPropertyOptional() @IsOmittable() @IsIsoInstant() postedAt?: string;
}

export class VoidClaimDto {
  @ApiProperty({ example: 'billed to the wrong payer' }) @IsString() @Length(1, TEXT_LENGTH_MAX) reason!: string;
  @ApiPropertyOptional() @IsOmittable() @IsIsoInstant() voidedAt?: string;
}
