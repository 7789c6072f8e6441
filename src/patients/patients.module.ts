import { Module } from '@nestjs/common';
import { ClaimsModule } from '../claims/claims.module';
import { PatientCommands } from './patient-commands';
import { PatientsController } from './patients.controller';

@Module({ imports: [ClaimsModule], controllers: [PatientsController], providers: [PatientCommands], exports: [PatientCommands] })
export class PatientsModule {}
