// start / serve / work: long-running processes with graceful shutdown on SIGTERM and SIGINT.
import { loadSettings } from '../config/load.js';
import { openApp } from '../app.js';

export async function run(mode: 'start' | 'serve' | 'work', _argv: string[]): Promise<void> {
  const settings = await loadSettings();
  const app = await openApp(settings, { http: mode !== 'work', workers: mode !== 'serve', migrate: mode === 'start' });
  app.log.info(
    { mode, address: app.address, database: app.db.embedded ? 'embedded' : 'postgres', queue: app.queue.kind, mail: app.mailer.kind, config: settings.configSource },
    'aftercart running',
  );
  const stop = async (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 30_000).unref();
    await app.close();
    clearTimeout(force);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
