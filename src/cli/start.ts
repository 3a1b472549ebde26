/** `contactd start`: run until SIGINT/SIGTERM, then stop gracefully. */
import { startDaemon } from '../daemon.js';
import { loadCliConfig } from './config.js';

export async function startCommand(opts: { config?: string }): Promise<void> {
  const { config, file } = loadCliConfig(opts);
  const daemon = await startDaemon({ config, configFile: file });
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      daemon.logger.info({ signal }, 'shutting down');
      daemon.stop().then(resolve, (e: unknown) => {
        daemon.logger.error({ err: e }, 'shutdown failed');
        resolve();
      });
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });
}
