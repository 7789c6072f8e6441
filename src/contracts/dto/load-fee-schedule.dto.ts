import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Length, Matches } from 'class-validator';
import { IsArrayOf, IsCents, IsCode, IsIsoDate, IsIsoInstant, IsOmittable } from '../../common/validation';
import { UNITS_POLICIES, type UnitsPolicy } from '../fee-schedule';
import { FEE_SCHEDULE_ROWS_MAX, MODIFIER_RULES_MAX } from '../load-fee-schedule/load-fee-schedule';

export class FeeScheduleRowDto {
  @ApiProperty({ example: '99213' }) @IsCode('procedure') procedureCode!: string;
  @ApiPropertyOptional({ example: '26', description: 'a row for the code with this modifier' }) @IsOmittable() @IsCode('modifier') modifier?: string;
  @ApiProperty({ example: 9200, description: 'allowed amount, integer cents' }) @IsCents() allowedCents!: number;
  @ApiProperty({ enum: UNITS_POLICIES, example: 'per_service' }) @IsIn(UNITS_POLICIES) unitsPolicy!: UnitsPolicy;
}

export class ModifierRuleDto {
  @ApiProperty({ example: '50' }) @IsCode('modifier') modifier!: string;
  @ApiProperty({ example: '150%', description: '150% (of the amount), +25% / -50% (a change), +1500 / -1500 (cents)' })
  @IsString()
  @Length(1, 20)
  change!: string;
}

export class LoadFeeScheduleDto {
  @ApiPropertyOptional({ example: '2026-01-01', description: 'default: the effective date (.2, .3… when taken)' })
  @IsOmittable()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/)
  scheduleId?: string;
  @ApiProperty({ example: '2026-01-01' }) @IsIsoDate() effectiveFrom!: string;
  @ApiPropertyOptional({ example: '2026-12-31', description: 'inclusive; absent: open-ended' }) @IsOmittable() @IsIsoDate() effectiveTo?: string;
  @ApiProperty({ type: [FeeScheduleRowDto] })
  @IsArrayOf(() => FeeScheduleRowDto, { min: 1, max: FEE_SCHEDULE_ROWS_MAX })
  rows!: FeeScheduleRowDto[];
  @ApiPropertyOptional({ type: [ModifierRuleDto] })
  @IsOmittable()
  @IsArrayOf(() => ModifierRuleDto, { max: MODIFIER_RULES_MAX })
  modifierRules?: ModifierRuleDto[];
  @ApiPropertyOptional() @IsOmittable() @IsIsoInstant() loadedAt?: string;
}
