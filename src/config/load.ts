// Loads and validates the environment and `aftercart.config.ts` (or `.json`) into one typed
// object. Anything wrong stops start-up with one line naming the field and what was expected.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { z } from 'zod';
import { configSchema, type Config } from './schema.js';
import { envSchema, type Env } from './env.js';

export interface Settings {
  env: Env;
  config: Config;
  /** Where the config came from, for logs ("defaults" when no file exists). */
  configSource: string;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function firstIssue(error: z.ZodError, prefix: string): string {
  const issue = error.issues[0]!;
  const where = issue.path.length ? issue.path.map((p, i) => pathPart(p, i)).join('') : '(root)';
  return `${prefix}${where}: ${issue.message}`;
}

/** `timing.rules[0]`, and a key that is no identifier (a store's domain) in brackets: `stores["a.example"]`. */
function pathPart(part: PropertyKey, index: number): string {
  if (typeof part === 'number') return `[${part}]`;
  const key = String(part);
  if (!/^[A-Za-z_$][\w$]*$/.test(key)) return `[${JSON.stringify(key)}]`;
  return (index ? '.' : '') + key;
}

export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) throw new ConfigError(firstIssue(result.error, 'invalid environment variable '));
  return result.data;
}

export function parseConfig(input: unknown, file = 'config'): Config {
  const result = configSchema.safeParse(input ?? {});
  if (!result.success) throw new ConfigError(firstIssue(result.error, `invalid ${file}: `));
  return result.data;
}

async function readConfigFile(file: string): Promise<unknown> {
  if (file.endsWith('.json')) {
    try {
      return JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      throw new ConfigError(`invalid ${path.basename(file)}: ${(err as Error).message}`);
    }
  }
  // TypeScript config files go through tsx's loader, so no build step is needed.
  const { tsImport } = await import('tsx/esm/api');
  const mod = (await tsImport(pathToFileURL(path.resolve(file)).href, import.meta.url).catch((err: unknown) => {
    throw new ConfigError(`invalid ${path.basename(file)}: ${loadFailure(err)}`);
  })) as { default?: { default?: unknown } };
  // Outside an ESM package the file loads as CommonJS and its default export arrives nested.
  const value =
    mod.default && typeof mod.default === 'object' && 'default' in mod.default ? mod.default.default : mod.default;
  return value ?? {};
}

/** esbuild's syntax errors carry where they are: "3:0: Expected identifier but found end of file". */
function loadFailure(err: unknown): string {
  const first = (err as { errors?: { text: string; location?: { line: number; column: number } | null }[] })
    .errors?.[0];
  if (first)
    return first.location ? `line ${first.location.line}, column ${first.location.column}: ${first.text}` : first.text;
  const message = (err as Error).message ?? String(err);
  const located = /:(\d+):(\d+): ERROR: (.+)/.exec(message);
  return located ? `line ${located[1]}, column ${located[2]}: ${located[3]}` : message.split('\n')[0]!;
}

export async function loadSettings(source: NodeJS.ProcessEnv = process.env): Promise<Settings> {
  const env = parseEnv(source);
  const file = env.AFTERCART_CONFIG;
  const given = source.AFTERCART_CONFIG !== undefined;
  if (!existsSync(file)) {
    if (given) throw new ConfigError(`AFTERCART_CONFIG: no file at ${file}`);
    return { env, config: parseConfig({}), configSource: 'defaults' };
  }
  const config = parseConfig(await readConfigFile(file), path.basename(file));
  return { env, config, configSource: file };
}
