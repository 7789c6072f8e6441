import { Module } from '@nestjs/common';
import { RemittanceImporter } from './remittance-import';
import { RemittancesController } from './remittances.controller';

/** X12 interop: 835 remittance advice import (HTTP and CLI) and 837P export (CLI). */
@Module({ controllers: [RemittancesController], providers: [RemittanceImporter], exports: [RemittanceImporter] })
export class RemittancesModule {}
