import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, Max, Min } from 'class-validator';
import { IsCents, IsCode } from '../../common/validation';
import { MODIFIERS_MAX, POINTERS_MAX } from '../coding-rules';
import type { ServiceLine } from '../encounter';

export class ServiceLineDto {
  @ApiProperty({ example: 1 }) @IsInt() @Min(1) @Max(999) lineNumber!: number;
  @ApiProperty({ example: '99213', description: 'CPT or HCPCS Level II' }) @IsCode('procedure') procedureCode!: string;
  @ApiProperty({ example: ['25'], type: [String] }) @IsArray() @ArrayMaxSize(MODIFIERS_MAX) @IsCode('modifier', { each: true }) modifiers!: string[];
  @ApiProperty({ example: 1 }) @IsInt() @Min(1) @Max(9999) units!: number;
  @ApiProperty({ example: 15000 }) @IsCents() chargeCents!: number;
  @ApiProperty({ example: [1], type: [Number] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(POINTERS_MAX)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(12, { each: true })
  diagnosisPointers!: number[];
}

export const toServiceLine = (line: ServiceLineDto): ServiceLine => ({
  lineNumber: line.lineNumber,
  procedureCode: line.procedureCode,
  modifiers: [...line.modifiers],
  units: line.units,
  chargeCents: line.chargeCents,
  diagnosisPointers: [...line.diagnosisPointers],
});
