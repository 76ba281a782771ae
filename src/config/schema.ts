// The one validated configuration object. Every field has a default, so an empty
// `defineConfig({})` is a working setup; an invalid field stops start-up naming its path.
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { duration } from './duration.js';
import { withMergedStores, type StoreSettingsInput } from './store-settings.js';

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day like "21:00"');
const trigger = z.enum(['order', 'paid', 'fulfilled', 'delivered']);
const list = z.array(z.string()).optional();
/** A duration in ms, or `learned` (the store's own median time to the complement purchase). */
const delayField = z.union([z.literal('learned'), duration], {
  error: 'expected a duration like "2h" or "3d", or "learned"',
});

/** What a timing rule matches on a line; every given field must match (any listed value). */
export const lineMatchSchema = z
  .object({ productType: list, tags: list, sku: list, vendor: list, productId: list })
  .strict();

export const timingRuleSchema = z
  .object({
    when: lineMatchSchema,
    after: trigger.optional(),
    /** A duration, or `learned`: the store's own median time to the complement purchase. */
    delay: delayField.optional(),
    skip: z.boolean().optional(),
    name: z.string().optional(),
  })
  .strict();

export const learnedDelaySchema = z
  .object({
    floor: duration.prefault('1d'),
    ceiling: duration.prefault('30d'),
    fallback: duration.prefault('3d'),
    /** Fewer observed pairs than this and the fallback is used. */
    minSamples: z.number().int().positive().default(20),
  })
  .strict();

export const timingSchema = z
  .object({
    default: z
      .object({ after: trigger.default('fulfilled'), delay: delayField.prefault('3d') })
      .strict()
      .prefault({}),
    rules: z.array(timingRuleSchema).default([]),
    /** Which line's rule decides for a multi-line order: the most valuable matching line. */
    ruleChoice: z.enum(['most-valuable-line', 'earliest', 'latest']).default('most-valuable-line'),
    quietHours: z
      // spread: sends held overnight leave over this long after `end`, not all at once.
      .union([z.literal(false), z.object({ start: clock, end: clock, spread: duration.prefault('1h') }).strict()])
      .prefault({ start: '21:00', end: '08:00' }),
    // Checked at start-up: a misspelt zone would otherwise fall back to UTC without a word.
    timezone: z
      .string()
      .refine((zone) => IANAZone.isValidZone(zone), {
        message: 'expected an IANA time zone such as "Europe/Berlin" or "UTC"',
      })
      .default('UTC'),
    frequencyCap: z
      .object({ max: z.number().int().positive().default(1), per: duration.prefault('14d') })
      .strict()
      .prefault({}),
    expireAfter: duration.prefault('30d'),
    learned: learnedDelaySchema.prefault({}),
  })
  .strict();

export const eligibilitySchema = z
  .object({
    requireConsent: z.boolean().default(true),
    returns: z
      .object({
        maxRate: z.number().min(0).max(1).default(0.3),
        minOrders: z.number().int().nonnegative().default(2),
        lookback: duration.prefault('365d'),
      })
      .strict()
      .prefault({}),
    service: z
      .object({
        maxTicketsPerOrder: z.number().nonnegative().default(1),
        lookback: duration.prefault('180d'),
        skipWhileOpen: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    /** An address suppressed for one store is suppressed for every store when true. */
    globalSuppression: z.boolean().default(false),
  })
  .strict();

/** Where an email's discount code comes from (README "Bundle offers"). */
const codeSource = z.discriminatedUnion('source', [
  z.object({ source: z.literal('static'), code: z.string().min(1) }).strict(),
  z.object({ source: z.literal('pool') }).strict(),
  z.object({ source: z.literal('shopify') }).strict(),
  z.object({ source: z.literal('woocommerce') }).strict(),
]);

/** Today's static form `{ percent, code }` reads as `{ percent, codes: { source: 'static', code } }`. */
const legacyBundle = (v: unknown) => {
  if (!v || typeof v !== 'object' || !('code' in v) || 'codes' in v) return v;
  const { code, ...rest } = v as Record<string, unknown>;
  return { ...rest, codes: { source: 'static', code } };
};

export const bundleSchema = z.union([
  z.literal(false),
  z.preprocess(
    legacyBundle,
    z
      .object({
        percent: z.number().positive().max(100).optional(),
        /** A fixed amount off the bundle, a decimal string in the order's currency. */
        amount: z
          .string()
          .regex(/^\d+(\.\d{1,2})?$/, 'a decimal string such as "5.00"')
          .optional(),
        minItems: z.number().int().min(1).max(3).default(2),
        validFor: duration.prefault('72h'),
        codes: codeSource,
        /** Starts every code made for an email (shopify, woocommerce). */
        prefix: z
          .string()
          .regex(/^[A-Za-z0-9_-]{0,12}$/, 'up to 12 letters, digits, "-" or "_"')
          .default('BUNDLE-'),
      })
      .strict()
      .refine((b) => (b.percent === undefined) !== (b.amount === undefined), {
        message: 'give either percent or amount',
      }),
  ),
]);

export const recommendSchema = z
  .object({
    maxItems: z.number().int().min(1).max(3).default(3),
    /** Declared complements by product type, e.g. consoles → games and controllers. */
    typeComplements: z.record(z.string(), z.array(z.string())).default({}),
    /** The bundle offer (src/offers/): false, or percent | amount off with codes from a source. */
    bundle: bundleSchema.default(false),
    /** Co-purchase rules need at least this many orders containing both items. */
    minSupport: z.number().int().positive().default(2),
    /** How often workers rebuild the learned co-purchase table from new orders. */
    rebuildEvery: duration.prefault('15m'),
  })
  .strict();

function isPlainHttpUrl(text: string): boolean {
  if (/[\u0000-\u0020\u007f-\u009f]/.test(text) || !URL.canParse(text)) return false;
  const u = new URL(text);
  return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password;
}
/** The store's address: every email links to it, and a product link may fall back to it. */
const storeUrl = z
  .string()
  .url()
  .refine(isPlainHttpUrl, 'an http(s) URL such as "https://shop.example", without user@ or spaces');
/** A host name such as "cdn.shop.example" (no scheme, port or path), kept lower-case. */
const linkHost = z
  .string()
  .regex(
    /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i,
    'a host name such as "cdn.shop.example" (no scheme, port or path)',
  )
  .transform((s) => s.toLowerCase());

export const storeSchema = z
  .object({
    name: z.string().default('Aftercart Store'),
    url: storeUrl.default('https://shop.example'),
    /** Hosts besides store.url's that product links may point at; other links are dropped. */
    linkHosts: z.array(linkHost).default([]),
    from: z.string().default('Aftercart <hello@shop.example>'),
    logoUrl: z.string().url().optional(),
    colors: z
      .object({ brand: z.string().default('#111827'), accent: z.string().default('#2563eb') })
      .strict()
      .prefault({}),
    replyTo: z.string().optional(),
    /** The sender's postal address, in every email's footer (CAN-SPAM); one line or several. */
    address: z.string().trim().min(1).optional(),
    /** The store's language when the customer's locale is unknown (BCP 47, e.g. "de-DE"). */
    locale: z.string().min(2).optional(),
  })
  .strict();

export const mailSchema = z
  .object({
    /** nodemailer pool limits; rateLimit messages per rateDelta. */
    maxConnections: z.number().int().positive().default(5),
    rateLimit: z.number().int().positive().optional(),
    rateDelta: duration.prefault('1s'),
    /** Attribution window: a later order with a recommended product within it converts. */
    attributionWindow: duration.prefault('7d'),
    utm: z
      .object({
        source: z.string().default('aftercart'),
        medium: z.string().default('email'),
        campaign: z.string().default('cross-sell'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export const ingestSchema = z
  .object({
    bodyLimit: z.number().int().positive().default(1_048_576),
    /** How long raw payloads are kept for debugging; never logged. */
    payloadRetention: duration.prefault('7d'),
    /** How long a delivery's id is kept to answer its redeliveries as duplicates (rows then deleted). */
    deliveryRetention: duration.prefault('30d'),
  })
  .strict();

/** The measurement group (README "Measuring what it earns"): off unless a share is given. */
export const measureSchema = z
  .object({
    /** Share of customers held out: decided like a send, never emailed. */
    holdout: z.number().min(0).max(0.5).default(0),
    /** How long after the (would-be) send a customer's orders count. */
    window: duration.prefault('30d'),
  })
  .strict();

/** One store's settings (config `stores`): the five sections, completed from the top level. */
export const storeSettingsSchema = z
  .object({
    store: storeSchema.prefault({}),
    timing: timingSchema.prefault({}),
    eligibility: eligibilitySchema.prefault({}),
    recommend: recommendSchema.prefault({}),
    mail: mailSchema.prefault({}),
  })
  .strict();

const topLevelSchema = storeSettingsSchema.extend({
  ingest: ingestSchema.prefault({}),
  measure: measureSchema.prefault({}),
});

// Each store's overrides are merged over the top level before validation (src/config/store-settings.ts).
export const configSchema = z.preprocess(
  withMergedStores,
  topLevelSchema.extend({ stores: z.record(z.string().min(1), storeSettingsSchema).default({}) }).strict(),
);

type TopLevelInput = z.input<typeof topLevelSchema>;
export type ConfigInput = TopLevelInput & { stores?: Record<string, StoreSettingsInput<TopLevelInput>> };
export type Config = z.output<typeof configSchema>;
export type TimingConfig = Config['timing'];
export type TimingRule = TimingConfig['rules'][number];
export type LineMatch = z.output<typeof lineMatchSchema>;
export type EligibilityPolicy = Config['eligibility'];
export type RecommendConfig = Config['recommend'];
export type MeasureConfig = Config['measure'];
export type BundleConfig = Exclude<RecommendConfig['bundle'], false>;

/** Typed helper for `aftercart.config.ts`: `export default defineConfig({...})`. */
export function defineConfig(config: ConfigInput): ConfigInput {
  return config;
}
