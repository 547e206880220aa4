import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const app = await createApp(config);
  const { logger } = app;
  for (const name of config.generatedSecrets) {
    // Printed once, on the start that generated it; afterwards it is read from DATA_DIR/secrets.json.
    const use = name === 'ADMIN_PASSWORD' ? ' (sign in to the web UI as admin)' : '';
    logger.info(`Generated ${name} (stored in ${config.DATA_DIR}/secrets.json): ${config[name]}${use}`);
  }
  await app.server.listen({ port: config.PORT, host: config.HOST });
  logger.info(
    `Webhook URLs: ${['jellyseerr', 'radarr', 'sonarr', 'jellyfin'].map((s) => `${config.BASE_URL}/hooks/${s}`).join(', ')}`,
  );
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
