// The install's address key (src/domain/customer-key.ts): derived from LINK_SECRET, or from the
// random secret kept in the data dir when it is unset, and checked against the database, whose
// customer keys, suppressions and erasure tombstones were made with it (migration 0014).
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type pg from 'pg';
import { ConfigError } from '../config/load.js';
import { withTransaction } from '../db/transaction.js';
import { addressKeyFingerprint, customerKey, keyedHash, useAddressKey } from '../domain/customer-key.js';

/** address_keys.fingerprint of rows written before 0014: bare sha256 hashes. */
const LEGACY = 'sha256';

/** LINK_SECRET, else a random one kept in the data dir (created on first use, owner-only). */
export async function installSecret(linkSecret: string | undefined, dataDir: string): Promise<string> {
  if (linkSecret) return linkSecret;
  const file = path.join(dataDir, 'link-secret');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const secret = randomBytes(32).toString('base64url');
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, secret, { mode: 0o600 });
  return secret;
}

/**
 * Loads the key and makes sure the database is keyed with it: a fresh database records it, one
 * from before 0014 is re-keyed once, and one keyed with another secret stops start-up (changing
 * LINK_SECRET would otherwise orphan every customer's history and forget every suppression).
 */
export async function openAddressKey(pool: pg.Pool, secret: string): Promise<void> {
  useAddressKey(secret);
  const current = addressKeyFingerprint();
  await withTransaction(pool, async (client) => {
    // Several processes start at once: one re-keys, the others then find it done.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('aftercart address key'))`);
    const stored = (await client.query<{ fingerprint: string }>('SELECT fingerprint FROM address_keys')).rows[0]
      ?.fingerprint;
    if (stored === current) return;
    if (stored !== undefined && stored !== LEGACY) {
      throw new ConfigError(
        "LINK_SECRET is not the secret this database's customer keys and suppressions were made with: " +
          "restore the previous LINK_SECRET (or the data dir's link-secret file)",
      );
    }
    if (stored === LEGACY) await rekeyLegacy(client);
    await client.query(
      `INSERT INTO address_keys (fingerprint) VALUES ($1)
      ON CONFLICT (singleton) DO UPDATE SET fingerprint = excluded.fingerprint, keyed_at = now()`,
      [current],
    );
  });
}

/** Every column holding a customer key or an address hash, and how a value from before 0014 becomes keyed. */
const LEGACY_KEY = (old: string) =>
  old.startsWith('e-') ? `e-${keyedHash(old.slice(2))}` : customerKey({ id: old.slice(2) })!;
const HASHED: { table: string; column: string; like: string; rekey: (old: string) => string }[] = [
  ...['customers', 'orders', 'cross_sells', 'customer_products', 'tickets', 'deliveries', 'erasures'].flatMap((table) =>
    ['e-%', 'c-%'].map((like) => ({ table, column: 'customer_key', like, rekey: LEGACY_KEY })),
  ),
  { table: 'suppressions', column: 'email_hash', like: '%', rekey: keyedHash },
];

/** Bare sha256 hashes ('e-…', suppressions) and bare platform ids ('c-…') become keyed hashes,
 * the same the app now computes from the address or id. */
async function rekeyLegacy(client: pg.PoolClient): Promise<void> {
  for (const { table, column, like, rekey } of HASHED) {
    const { rows } = await client.query<{ old: string }>(
      `SELECT DISTINCT ${column} AS old FROM ${table} WHERE ${column} LIKE $1`,
      [like],
    );
    if (rows.length === 0) continue;
    const olds = rows.map((r) => r.old);
    await client.query(
      `UPDATE ${table} t SET ${column} = m.new FROM unnest($1::text[], $2::text[]) AS m(old, new) WHERE t.${column} = m.old`,
      [olds, olds.map(rekey)],
    );
  }
}
