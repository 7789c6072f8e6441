import { Module } from '@nestjs/common';
import { ClaimCommands } from './claim-commands';
import { ClaimsController } from './claims.controller';

@Module({ controllers: [ClaimsController], providers: [ClaimCommands], exports: [ClaimCommands] })
export class ClaimsModule {}
