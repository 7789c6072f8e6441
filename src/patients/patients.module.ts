import { Module } from '@nestjs/common';
import { PatientCommands } from './patient-commands';
import { PatientsController } from './patients.controller';

@Module({ controllers: [PatientsController], providers: [PatientCommands], exports: [PatientCommands] })
export class PatientsModule {}
