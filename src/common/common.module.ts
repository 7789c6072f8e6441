import { Global, Module, type DynamicModule } from '@nestjs/common';
import { CLOCK, systemClock, type Clock } from './clock';
import { LEDGER_CONFIG, type LedgerConfig } from './config';
import { FoldedStreams } from './folded-streams';
import { KeyedLock } from './keyed-lock';

@Global()
@Module({})
export class CommonModule {
  static forRoot(config: LedgerConfig, clock: Clock = systemClock): DynamicModule {
    return {
      module: CommonModule,
      providers: [
        { provide: LEDGER_CONFIG, useValue: config },
        { provide: CLOCK, useValue: clock },
        KeyedLock,
        { provide: FoldedStreams, useValue: new FoldedStreams() },
      ],
      exports: [LEDGER_CONFIG, CLOCK, KeyedLock, FoldedStreams],
    };
  }
}
