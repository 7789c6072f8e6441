import { Body, Controller, Get, Param, Post, UseInterceptors } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '../common/command-context';
import { Command } from '../common/command-context.decorator';
import { CodeEncounterDto } from './dto/code-encounter.dto';
import { toServiceLine } from './dto/service-line.dto';
import type { Encounter } from './encounter';
import { EncounterCommands } from './encounter-commands';
import { IdempotencyInterceptor } from '../idempotency/idempotency.interceptor';

@ApiTags('encounters')
@ApiHeader({ name: 'X-Actor', required: false, description: 'who is acting; recorded on every event' })
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'a retry with the same key posts nothing twice' })
@UseInterceptors(IdempotencyInterceptor)
@Controller('encounters')
export class EncountersController {
  constructor(private readonly commands: EncounterCommands) {}

  @Post()
  @ApiOperation({ summary: 'Code an encounter: diagnoses (ICD-10-CM) and service lines (CPT/HCPCS)' })
  code(@Body() body: CodeEncounterDto, @Command() context: CommandContext): Promise<Encounter> {
    return this.commands.code(
      {
        encounterId: body.encounterId,
        patientId: body.patientId,
        providerNpi: body.providerNpi,
        dateOfService: body.dateOfService,
        diagnoses: [...body.diagnoses],
        lines: body.lines.map(toServiceLine),
      },
      context,
    );
  }

  @Get(':encounterId')
  @ApiOperation({ summary: 'A coded encounter and the claim billed for it, if any' })
  get(@Param('encounterId') encounterId: string): Promise<Encounter> {
    return this.commands.get(encounterId);
  }
}
