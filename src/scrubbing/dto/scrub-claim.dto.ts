import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { IsArrayOf, IsCents, IsCode, IsIsoDate, IsIsoInstant, IsOmittable } from '../../common/validation';
import { DIAGNOSES_MAX, LINES_MAX, MODIFIERS_MAX, POINTERS_MAX } from '../../encounters/coding-rules';
import { ID_LENGTH_MAX } from '../../encounters/dto/code-encounter.dto';

/** A service line to scrub: as on an encounter, except that missing pointers are the scrubber's to report. */
export class ScrubLineDto {
  @ApiProperty({ example: 1 }) @IsInt() @Min(1) @Max(999) lineNumber!: number;
  @ApiProperty({ example: '99213' }) @IsCode('procedure') procedureCode!: string;
  @ApiProperty({ example: ['25'], type: [String] }) @IsArray() @ArrayMaxSize(MODIFIERS_MAX) @IsCode('modifier', { each: true }) modifiers!: string[];
  @ApiProperty({ example: 1 }) @IsInt() @Min(1) @Max(9999) units!: number;
  @ApiProperty({ example: 15000 }) @IsCents() chargeCents!: number;
  @ApiProperty({ example: [1], type: [Number] }) @IsArray() @ArrayMaxSize(POINTERS_MAX) @IsInt({ each: true }) diagnosisPointers!: number[];
}

/**
 * What to scrub, from one source: `claimId` (the claim as it stands, e.g. corrected before its
 * resubmission), `encounterId` + `payerId` (a coded encounter about to be submitted), or the
 * claim inline (`payerId`, `dateOfService`, `diagnoses`, `lines`).
 */
export class ScrubClaimDto {
  @ApiPropertyOptional({ example: 'clm-1001' }) @IsOmittable() @IsString() @Length(1, ID_LENGTH_MAX) claimId?: string;
  @ApiPropertyOptional({ example: 'enc-1001' }) @IsOmittable() @IsString() @Length(1, ID_LENGTH_MAX) encounterId?: string;
  @ApiPropertyOptional({ example: 'payer-acme' }) @IsOmittable() @IsString() @Length(1, ID_LENGTH_MAX) payerId?: string;
  @ApiPropertyOptional({ example: 'MBR123456', description: 'may be empty: the scrubber reports MEMBER_ID_MISSING' })
  @IsOmittable()
  @IsString()
  @MaxLength(ID_LENGTH_MAX)
  memberId?: string;
  @ApiPropertyOptional({ example: '2026-11-02' }) @IsOmittable() @IsIsoDate() dateOfService?: string;
  @ApiPropertyOptional({ type: [String], example: ['E11.9', 'I10'] })
  @IsOmittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(DIAGNOSES_MAX)
  @IsCode('icd10cm', { each: true })
  diagnoses?: string[];
  @ApiPropertyOptional({ type: [ScrubLineDto] })
  @IsOmittable()
  @IsArrayOf(() => ScrubLineDto, { min: 1, max: LINES_MAX })
  lines?: ScrubLineDto[];
  @ApiPropertyOptional({ description: 'when the claim would go out (default now): "future" and "timely" are measured from its date' })
  @IsOmittable()
  @IsIsoInstant()
  submittedAt?: string;
}
