import { Module } from '@nestjs/common';
import { EncounterCommands } from './encounter-commands';
import { EncountersController } from './encounters.controller';

@Module({ controllers: [EncountersController], providers: [EncounterCommands], exports: [EncounterCommands] })
export class EncountersModule {}
