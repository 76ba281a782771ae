export { defineConfig, configSchema, type Config, type ConfigInput } from './schema.js';
export { loadSettings, parseConfig, parseEnv, ConfigError, type Settings } from './load.js';
export { parseDuration, formatDuration } from './duration.js';
