// Config reload on SIGHUP: the file is read and validated first; only a valid one replaces the
// settings in force (every reader goes through `settings.config`, so the next decision sees
// it). A bad file keeps the old settings and logs its one-line error. Set at start-up and not
// reloaded: the HTTP body limit, the SMTP pool, the rebuild interval and the environment.
import type { Logger } from 'pino';
import { loadSettings, type Settings } from './load.js';
import { warnMissingAddresses } from './store-settings.js';

type ReloadLog = Pick<Logger, 'info' | 'warn' | 'error'>;

/** Reloads `settings.config` in place; false (old settings kept) when the file is invalid. */
export async function reloadConfig(
  settings: Settings,
  log: ReloadLog,
  env: NodeJS.ProcessEnv = process.env,
): Promise<boolean> {
  let next: Settings;
  try {
    next = await loadSettings(env);
  } catch (err) {
    const line = ((err as Error).message ?? String(err)).split('\n')[0];
    log.error({ config: settings.configSource }, `config not reloaded, the settings in force stay: ${line}`);
    return false;
  }
  settings.config = next.config;
  settings.configSource = next.configSource;
  log.info({ config: next.configSource, stores: Object.keys(next.config.stores).length }, 'config reloaded');
  warnMissingAddresses(next.config, log);
  return true;
}

/** Reloads on every SIGHUP, one reload at a time; returns the function that stops listening. */
export function reloadOnSighup(settings: Settings, log: ReloadLog): () => void {
  let running: Promise<unknown> = Promise.resolve();
  const onSignal = () => {
    running = running.then(() => reloadConfig(settings, log));
  };
  process.on('SIGHUP', onSignal);
  return () => process.off('SIGHUP', onSignal);
}
