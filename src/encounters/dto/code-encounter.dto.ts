import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, Length } from 'class-validator';
import { IsArrayOf, IsCode, IsIsoDate } from '../../common/validation';
import { DIAGNOSES_MAX, LINES_MAX } from '../coding-rules';
import { ServiceLineDto } from './service-line.dto';

export const ID_LENGTH_MAX = 64;

export class CodeEncounterDto {
  @ApiProperty({ example: 'enc-1001' }) @IsString() @Length(1, ID_LENGTH_MAX) encounterId!: string;
  @ApiProperty({ example: 'pat-17' }) @IsString() @Length(1, ID_LENGTH_MAX) patientId!: string;
  @ApiProperty({ example: '1234567893' }) @IsCode('npi') providerNpi!: string;
  @ApiProperty({ example: '2026-11-02' }) @IsIsoDate() dateOfService!: string;
  @ApiProperty({ example: ['E11.9', 'I10'], type: [String] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(DIAGNOSES_MAX)
  @IsCode('icd10cm', { each: true })
  diagnoses!: string[];
  @ApiProperty({ type: [ServiceLineDto] })
  @IsArrayOf(() => ServiceLineDto, { min: 1, max: LINES_MAX })
  lines!: ServiceLineDto[];
}
