import { Logger } from '@nestjs/common';
import { createApp } from './app';
import { loadConfig } from './common/config';

export const serve = async (): Promise<void> => {
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  new Logger('billing-ledger').log(
    `listening on http://${config.host}:${config.port} (store: ${config.eventStore}, data: ${config.dataDir}); API docs at /docs`,
  );
};

if (require.main === module) {
  serve().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
