// Environment variables (SPEC "Set-up"): secrets and endpoints live here, never in the config file.
import { z } from 'zod';

const url = (protocols: string[]) =>
  z.string().refine((s) => {
    try {
      return protocols.includes(new URL(s).protocol);
    } catch {
      return false;
    }
  }, `expected a URL starting with ${protocols.map((p) => p + '//').join(' or ')}`);

/** docker-compose's `${VAR:-}` passes an empty string: that is "not set". */
const unsetIfEmpty = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

export const envSchema = z.object({
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  AFTERCART_DATA_DIR: z.string().min(1).default('./.aftercart'),
  AFTERCART_CONFIG: z.string().min(1).default('./aftercart.config.ts'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: url(['http:', 'https:']).default('http://localhost:3000'),
  SHOPIFY_WEBHOOK_SECRET: unsetIfEmpty(z.string().min(1)),
  WOOCOMMERCE_WEBHOOK_SECRET: unsetIfEmpty(z.string().min(1)),
  STANDARD_WEBHOOK_SECRET: unsetIfEmpty(z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/=]+( +whsec_[A-Za-z0-9+/=]+)*$/, 'expected "whsec_" followed by a base64 key (several separated by spaces while rotating)')),
  LINK_SECRET: z.string().min(16, 'expected at least 16 characters').optional(),
  ADMIN_TOKEN: z.string().min(8, 'expected at least 8 characters').optional(),
  DKIM_DOMAIN: z.string().optional(),
  DKIM_SELECTOR: z.string().optional(),
  DKIM_PRIVATE_KEY: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  QUEUE_PREFIX: z.string().default('{aftercart}'),
  WORKER_CONCURRENCY: z.coerce.number().int().positive().default(10),
});

export type Env = z.output<typeof envSchema>;
