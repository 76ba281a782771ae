// start / serve / work: long-running processes with graceful shutdown on SIGTERM and SIGINT.
import { loadSettings } from '../config/load.js';
import { reloadOnSighup } from '../config/reload.js';
import { openApp } from '../app.js';
import { logFormat } from '../log.js';
import { banner } from './banner.js';

export async function run(mode: 'start' | 'serve' | 'work', _argv: string[]): Promise<void> {
  const settings = await loadSettings();
  // Every mode applies pending migrations (under the advisory lock, so several `work` processes
  // starting at once are safe): an unmigrated database never runs half-working.
  const app = await openApp(settings, {
    http: mode !== 'work',
    workers: mode !== 'serve',
    migrate: true,
    command: mode,
  });
  const stop = async (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 30_000).unref();
    await app.close();
    clearTimeout(force);
    process.exit(0);
  };
  // SIGHUP re-reads aftercart.config.ts (validated first; a bad file keeps the settings in force).
  reloadOnSighup(settings, app.log);
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  // "running" only once the queue answers; until then openApp logs that it is unreachable.
  if (!(await app.queueReady)) return;
  if (logFormat(settings.env.LOG_FORMAT) === 'pretty') process.stdout.write(banner(app, mode));
  app.log.info(
    {
      mode,
      address: app.address,
      database: app.db.embedded ? 'embedded' : 'postgres',
      queue: app.queue.kind,
      mail: app.mailer.kind,
      config: settings.configSource,
    },
    'aftercart running',
  );
}
