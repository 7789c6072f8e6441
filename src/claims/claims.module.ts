import { Module } from '@nestjs/common';
import { ClaimCommands } from './claim-commands';
import { ClaimFolds } from './claim-folds';
import { ClaimsController } from './claims.controller';

@Module({ controllers: [ClaimsController], providers: [ClaimCommands, ClaimFolds], exports: [ClaimCommands, ClaimFolds] })
export class ClaimsModule {}
