import { Logger } from '@nestjs/common';
import { createApp } from './app';
import { apiKeysFileOf, loadConfig } from './common/config';
import { ApiKeyStore, bootstrapAdminKey } from './security/api-keys';

export const serve = async (): Promise<void> => {
  const config = loadConfig();
  const logger = new Logger('billing-ledger');
  if (config.auth === 'off') {
    logger.warn('AUTH=off: EVERY REQUEST IS TRUSTED AND X-Actor NAMES THE ACTOR. For local demos only — never with real patient data.');
  } else {
    const created = bootstrapAdminKey(new ApiKeyStore(apiKeysFileOf(config)), config.dataDir, new Date().toISOString());
    if (created) {
      logger.log(
        `first start: created an admin API key; its token is in ${created.tokenFile}. ` +
          `Use it as: curl -H "Authorization: Bearer $(cat ${created.tokenFile})" http://localhost:${config.port}/claims — ` +
          'and create keys per person with `npx billing-ledger keys create --name NAME --role biller|auditor|finance|admin`.',
      );
    }
  }
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  logger.log(`listening on http://${config.host}:${config.port} (store: ${config.eventStore}, data: ${config.dataDir}); API docs at /docs`);
};

if (require.main === module) {
  serve().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
