// Config: every field defaulted, durations parsed, and a bad file or variable stops start-up
// with one line naming the field.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseConfig, parseEnv, loadSettings, ConfigError } from '../../src/config/load.js';
import { parseDuration } from '../../src/config/duration.js';
import { weakSecrets } from '../../src/config/env.js';
import { tempDir } from '../support/services.js';

const run = promisify(execFile);
const bin = new URL('../../bin/aftercart.mjs', import.meta.url).pathname;

describe('configuration', () => {
  it('an empty config is a working set-up with every default filled in', () => {
    const c = parseConfig({});
    expect(c.timing.default).toEqual({ after: 'fulfilled', delay: 3 * 86_400_000 });
    expect(c.timing.frequencyCap).toEqual({ max: 1, per: 14 * 86_400_000 });
    expect(c.timing.quietHours).toEqual({ start: '21:00', end: '08:00', spread: 3_600_000 });
    expect(c.eligibility.returns).toEqual({ maxRate: 0.3, minOrders: 2, lookback: 365 * 86_400_000 });
    expect(c.recommend.maxItems).toBe(3);
  });

  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['2h', 7_200_000],
    ['3d', 259_200_000],
    ['1.5h', 5_400_000],
  ])('reads the duration %s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['2x', '', 'h', '3 days', '-1d'])('refuses the duration %j', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );

  it('names the path of a bad field', () => {
    expect(() =>
      parseConfig({ timing: { rules: [{ when: { productType: ['X'] }, delay: '2 hours' }] } }, 'aftercart.config.ts'),
    ).toThrow(/^invalid aftercart\.config\.ts: timing\.rules\[0\]\.delay: expected a duration/);
    expect(() => parseConfig({ eligibility: { returns: { maxRate: 2 } } })).toThrow(/eligibility\.returns\.maxRate/);
    expect(() => parseConfig({ timing: { quietHours: { start: '25:00', end: '08:00' } } })).toThrow(
      /timing\.quietHours/,
    );
    expect(() => parseConfig({ timing: { timezone: 'Mars/Base' } })).toThrow(
      /timing\.timezone: expected an IANA time zone/,
    );
    expect(parseConfig({ timing: { timezone: 'America/Argentina/Buenos_Aires' } }).timing.timezone).toBe(
      'America/Argentina/Buenos_Aires',
    );
    expect(() => parseConfig({ timming: {} })).toThrow(ConfigError);
  });

  it('names a bad environment variable', () => {
    expect(() => parseEnv({ DATABASE_URL: 'mysql://x' })).toThrow(
      /DATABASE_URL: expected a URL starting with postgres:/,
    );
    expect(() => parseEnv({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => parseEnv({ STANDARD_WEBHOOK_SECRET: 'not-a-secret' })).toThrow(
      /STANDARD_WEBHOOK_SECRET: expected "whsec_"/,
    );
  });

  it('in production a short or placeholder ADMIN_TOKEN, or a placeholder LINK_SECRET, is refused naming the variable', () => {
    const prod = (env: Record<string, string>) => () => parseEnv({ NODE_ENV: 'production', ...env });
    const strong = 'q3Vf8yZk1LwPn0sX7cTbR2mJ5hDe9Ag4';
    expect(prod({ ADMIN_TOKEN: 'sixteen-chars-ok' })).toThrow(
      /^invalid environment variable ADMIN_TOKEN: shorter than 24 characters/,
    );
    expect(prod({ ADMIN_TOKEN: 'change-me-admin-token-for-real-now' })).toThrow(
      /^invalid environment variable ADMIN_TOKEN: a placeholder/,
    );
    expect(prod({ ADMIN_TOKEN: strong, LINK_SECRET: 'change-me-to-a-long-random-string' })).toThrow(
      /^invalid environment variable LINK_SECRET: a placeholder/,
    );
    expect(prod({ ADMIN_TOKEN: strong, LINK_SECRET: 'your-link-secret-goes-here' })).toThrow(
      /LINK_SECRET: a placeholder/,
    );
    // The value itself is never echoed.
    expect(prod({ ADMIN_TOKEN: 'change-me-admin-token' })).not.toThrow(/change-me-admin-token/);
    expect(parseEnv({ NODE_ENV: 'production', ADMIN_TOKEN: strong, LINK_SECRET: strong }).ADMIN_TOKEN).toBe(strong);
    expect(parseEnv({ NODE_ENV: 'production' }).ADMIN_TOKEN).toBeUndefined(); // unset: the admin is off
    // Elsewhere they start (openApp logs a warning line, see tests/admin/hardening.test.ts).
    expect(parseEnv({ NODE_ENV: 'development', ADMIN_TOKEN: 'change-me-admin-token' }).ADMIN_TOKEN).toBe(
      'change-me-admin-token',
    );
    expect(
      weakSecrets({ ADMIN_TOKEN: 'sixteen-chars-ok', LINK_SECRET: 'change-me-to-a-long-random-string' }).map(
        (w) => w.variable,
      ),
    ).toEqual(['ADMIN_TOKEN', 'LINK_SECRET']);
    expect(weakSecrets({ ADMIN_TOKEN: strong, LINK_SECRET: strong })).toEqual([]);
  });

  it('METRICS_TOKEN is optional, and at least 16 characters when set', () => {
    expect(parseEnv({}).METRICS_TOKEN).toBeUndefined();
    expect(parseEnv({ METRICS_TOKEN: '' }).METRICS_TOKEN).toBeUndefined();
    expect(() => parseEnv({ METRICS_TOKEN: 'short' })).toThrow(
      /^invalid environment variable METRICS_TOKEN: expected at least 16/,
    );
  });

  it('a production start with a placeholder ADMIN_TOKEN stops with one line naming it', async () => {
    const dir = await tempDir();
    const err = await run('node', [bin, 'migrate'], {
      env: { ...process.env, NODE_ENV: 'production', ADMIN_TOKEN: 'change-me-admin-token', AFTERCART_DATA_DIR: dir },
    }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(1);
    const lines = err!.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^aftercart: invalid environment variable ADMIN_TOKEN: a placeholder, not a secret/);
  });

  it('loads aftercart.config.ts and .json files', async () => {
    const dir = await tempDir();
    const ts = path.join(dir, 'aftercart.config.ts');
    await writeFile(ts, `export default { timing: { default: { after: 'order', delay: '2h' } } };\n`);
    expect((await loadSettings({ AFTERCART_CONFIG: ts })).config.timing.default).toEqual({
      after: 'order',
      delay: 7_200_000,
    });
    const json = path.join(dir, 'aftercart.config.json');
    await writeFile(json, JSON.stringify({ recommend: { maxItems: 2 } }));
    expect((await loadSettings({ AFTERCART_CONFIG: json })).config.recommend.maxItems).toBe(2);
    await expect(loadSettings({ AFTERCART_CONFIG: path.join(dir, 'missing.ts') })).rejects.toThrow(
      /AFTERCART_CONFIG: no file/,
    );
  });

  it("the repository's own aftercart.config.ts is valid", async () => {
    const s = await loadSettings({ AFTERCART_CONFIG: new URL('../../aftercart.config.ts', import.meta.url).pathname });
    expect(s.config.timing.rules[0]).toMatchObject({ after: 'order', delay: 7_200_000 });
  });

  it('start-up stops with one line naming the field', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'aftercart.config.json');
    await writeFile(file, JSON.stringify({ timing: { frequencyCap: { max: 0 } } }));
    const err = await run('node', [bin, 'migrate'], {
      env: { ...process.env, AFTERCART_CONFIG: file, AFTERCART_DATA_DIR: dir },
    }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(1);
    const lines = err!.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^aftercart: invalid aftercart\.config\.json: timing\.frequencyCap\.max: /);
  });
});
