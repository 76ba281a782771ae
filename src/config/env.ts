// Environment variables (SPEC "Set-up"): secrets and endpoints live here, never in the config file.
import { z } from 'zod';
import { hasHashTag, parseRedisUrl } from '../queue/redis-connection.js';
import { parseSiteSecrets } from '../ingest/sources/secrets.js';
import { parseShopifyTokens, parseWooKeys } from '../offers/credentials.js';

const url = (protocols: string[]) =>
  z.string().refine(
    (s) => {
      try {
        return protocols.includes(new URL(s).protocol);
      } catch {
        return false;
      }
    },
    `expected a URL starting with ${protocols.map((p) => p + '//').join(' or ')}`,
  );

/** docker-compose's `${VAR:-}` passes an empty string: that is "not set". */
const unsetIfEmpty = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

export const envSchema = z
  .object({
    DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
    REDIS_URL: z
      .string()
      .superRefine((s, ctx) => {
        try {
          parseRedisUrl(s);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
        }
      })
      .optional(),
    SMTP_URL: url(['smtp:', 'smtps:']).optional(),
    AFTERCART_DATA_DIR: z.string().min(1).default('./.aftercart'),
    AFTERCART_CONFIG: z.string().min(1).default('./aftercart.config.ts'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default('0.0.0.0'),
    PUBLIC_URL: url(['http:', 'https:']).default('http://localhost:3000'),
    SHOPIFY_WEBHOOK_SECRET: unsetIfEmpty(z.string().min(1)),
    WOOCOMMERCE_WEBHOOK_SECRET: unsetIfEmpty(z.string().min(1)),
    /** Several Shopify apps' secrets, separated by spaces or commas (`shop.myshopify.com=secret` pins one). */
    SHOPIFY_WEBHOOK_SECRETS: unsetIfEmpty(z.string()),
    /** Each WooCommerce site's own secret: `shop-a.example=… shop-b.example=…`. */
    WOOCOMMERCE_WEBHOOK_SECRETS: unsetIfEmpty(
      z.string().superRefine((text, ctx) => {
        const parsed = parseSiteSecrets(text);
        if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
      }),
    ),
    STANDARD_WEBHOOK_SECRET: unsetIfEmpty(
      z
        .string()
        .regex(
          /^whsec_[A-Za-z0-9+/=]+( +whsec_[A-Za-z0-9+/=]+)*$/,
          'expected "whsec_" followed by a base64 key (several separated by spaces while rotating)',
        ),
    ),
    LINK_SECRET: z.string().min(16, 'expected at least 16 characters').optional(),
    ADMIN_TOKEN: z.string().min(8, 'expected at least 8 characters').optional(),
    /** Set: GET /metrics wants `Authorization: Bearer <METRICS_TOKEN>`. */
    METRICS_TOKEN: unsetIfEmpty(z.string().min(16, 'expected at least 16 characters')),
    /** Bundle codes through Shopify's Admin API: "shop.myshopify.com=shpat_… …" (src/offers/credentials.ts). */
    SHOPIFY_ADMIN_TOKENS: unsetIfEmpty(z.string().superRefine((s, ctx) => parses(() => parseShopifyTokens(s), ctx))),
    /** Bundle codes through WooCommerce's REST API: "shop.example=ck_…:cs_… …". */
    WOOCOMMERCE_API_KEYS: unsetIfEmpty(z.string().superRefine((s, ctx) => parses(() => parseWooKeys(s), ctx))),
    NODE_ENV: z.string().optional(),
    DKIM_DOMAIN: z.string().optional(),
    DKIM_SELECTOR: z.string().optional(),
    DKIM_PRIVATE_KEY: z.string().optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Unset: readable lines on a terminal, JSON lines otherwise. */
    LOG_FORMAT: unsetIfEmpty(z.enum(['pretty', 'json'])),
    QUEUE_PREFIX: z.string().default('{aftercart}'),
    WORKER_CONCURRENCY: z.coerce.number().int().positive().default(10),
    // Group commit (src/ingest/group-commit.ts): webhooks arriving within this many ms, up to this
    // many, are written in one transaction and queued in one addBulk.
    INGEST_BATCH_MS: z.coerce.number().min(0).default(2),
    INGEST_BATCH_MAX: z.coerce.number().int().positive().default(64),
    // Batches written at once, each on its own connection (the next gathers while they run).
    INGEST_BATCH_CONCURRENCY: z.coerce.number().int().positive().default(4),
    // How long the receiver and workers wait for PostgreSQL to connect or answer before a 503 or a
    // retry (0: forever). Migrations and the co-purchase rebuild are not bounded by it.
    DATABASE_TIMEOUT_MS: z.coerce.number().int().min(0).default(3_000),
    // A send job's attempts and the first of its exponential back-offs (tests shorten them).
    JOB_ATTEMPTS: z.coerce.number().int().positive().default(8),
    JOB_BACKOFF_MS: z.coerce.number().int().min(0).default(2_000),
    // Finished jobs kept in the queue (newest first); 0 removes a job as it finishes.
    JOB_KEEP_COMPLETED: z.coerce.number().int().min(0).default(0),
    JOB_KEEP_FAILED: z.coerce.number().int().min(0).default(1_000),
    // BullMQ's job lock and stalled check: how soon a dead worker's jobs go to another. The send
    // lease, SMTP socket timeout and reconciler's sending timeout follow them (src/queue/timings.ts).
    QUEUE_LOCK_MS: z.coerce.number().int().min(1_000).default(30_000),
    QUEUE_STALLED_INTERVAL_MS: z.coerce.number().int().min(100).default(30_000),
  })
  .superRefine((env, ctx) => {
    // BullMQ's scripts touch several keys at once: on a cluster they must share one slot.
    if (env.REDIS_URL && isClusterUrl(env.REDIS_URL) && !hasHashTag(env.QUEUE_PREFIX)) {
      ctx.addIssue({
        code: 'custom',
        path: ['QUEUE_PREFIX'],
        message: "on a Redis Cluster the prefix needs a hash tag, e.g. {aftercart}, so a queue's keys share one slot",
      });
    }
    // In production a guessable secret stops start-up; elsewhere openApp logs weakSecrets() as warnings.
    if (env.NODE_ENV !== 'production') return;
    for (const weak of weakSecrets(env)) ctx.addIssue({ code: 'custom', path: [weak.variable], message: weak.problem });
  });

export type Env = z.output<typeof envSchema>;

function parses(parse: () => unknown, ctx: z.RefinementCtx): void {
  try {
    parse();
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
}

/** False for a malformed REDIS_URL too: its own issue names it. */
function isClusterUrl(url: string): boolean {
  try {
    return parseRedisUrl(url).kind === 'cluster';
  } catch {
    return false;
  }
}

export const MIN_ADMIN_TOKEN_LENGTH = 24;

// The example values of docker-compose.yml and the docs: anyone who read them knows these.
const PLACEHOLDER = /change[-_ ]?me|replace[-_ ]?me|placeholder|example|your[-_ ]?(?:admin|link|secret|token)/i;

export interface WeakSecret {
  variable: 'ADMIN_TOKEN' | 'LINK_SECRET';
  problem: string;
}

/** ADMIN_TOKEN and LINK_SECRET values an attacker could guess (the values are never echoed). */
export function weakSecrets(env: { ADMIN_TOKEN?: string; LINK_SECRET?: string }): WeakSecret[] {
  const fix = 'set a long random value, e.g. `openssl rand -base64 32`';
  const weak: WeakSecret[] = [];
  const admin = env.ADMIN_TOKEN;
  if (admin !== undefined && PLACEHOLDER.test(admin))
    weak.push({ variable: 'ADMIN_TOKEN', problem: `a placeholder, not a secret: ${fix}` });
  else if (admin !== undefined && admin.length < MIN_ADMIN_TOKEN_LENGTH)
    weak.push({ variable: 'ADMIN_TOKEN', problem: `shorter than ${MIN_ADMIN_TOKEN_LENGTH} characters: ${fix}` });
  if (env.LINK_SECRET !== undefined && PLACEHOLDER.test(env.LINK_SECRET))
    weak.push({ variable: 'LINK_SECRET', problem: `a placeholder, not a secret: ${fix}` });
  return weak;
}
