// Addresses kept only to recognise them later are keyed with the install's secret (issue 16): a
// dump's hashes cannot be tested against guessed addresses. A database from before migration
// 0014 (bare sha256 hashes, bare platform ids) is re-keyed on the first start; a start with another
// secret is refused instead of orphaning every customer and forgetting every suppression.
import { createHash } from 'node:crypto';
import { copyFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/load.js';
import { migrate, MIGRATIONS_DIR } from '../../src/db/migrate.js';
import { addressHash, customerKey, emailHash, useAddressKey } from '../../src/domain/customer-key.js';
import { installSecret, openAddressKey } from '../../src/privacy/address-key.js';
import { freshDatabase, missing, tempDir } from '../support/services.js';
import { TEST_LINK_SECRET } from '../support/address-key.js';

const bare = (email: string) => createHash('sha256').update(email).digest('hex').slice(0, 40);

describe('keyed hashes', () => {
  afterEach(() => useAddressKey(TEST_LINK_SECRET));

  it('a key is no bare sha256 of the address and depends on the secret; an id key does not hold the id', () => {
    const key = customerKey({ email: 'ann@example.com' })!;
    expect(key).toMatch(/^e-[0-9a-f]{40}$/);
    expect(key).not.toBe(`e-${bare('ann@example.com')}`);
    expect(customerKey({ id: '191167' })).toMatch(/^c-[0-9a-f]{40}$/);
    useAddressKey('another-install-secret-0123');
    expect(customerKey({ email: 'ann@example.com' })).not.toBe(key);
  });

  it('installSecret: LINK_SECRET when set, else one random secret kept owner-only in the data dir', async () => {
    const dir = await tempDir();
    expect(await installSecret('given-secret-0123456789', dir)).toBe('given-secret-0123456789');
    const made = await installSecret(undefined, path.join(dir, 'new'));
    expect(made).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await installSecret(undefined, path.join(dir, 'new'))).toBe(made);
    expect((await stat(path.join(dir, 'new', 'link-secret'))).mode & 0o777).toBe(0o600);
  });
});

describe.skipIf(missing('postgres'))('openAddressKey against the database', () => {
  let db: { url: string; drop(): Promise<void> };
  let pool: pg.Pool;
  const q = async (sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows;

  beforeAll(async () => {
    db = await freshDatabase();
    pool = new pg.Pool({ connectionString: db.url });
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
    useAddressKey(TEST_LINK_SECRET);
  });

  it('re-keys a database written before 0014, and refuses to start with another secret', async () => {
    // Migrations up to 0013, then rows as the earlier code wrote them, then 0014.
    const before = await tempDir();
    for (const f of (await readdir(MIGRATIONS_DIR)).filter((f) => f < '0014'))
      await copyFile(path.join(MIGRATIONS_DIR, f), path.join(before, f));
    await migrate(pool, before);
    const [ann, bob] = ['ann@example.com', 'bob@example.com'];
    await q(`INSERT INTO customers (store, customer_key, email) VALUES ('s', $1, $2), ('s', 'c-42', NULL)`, [
      `e-${bare(ann)}`,
      ann,
    ]);
    await q(`INSERT INTO orders (store, order_id, customer_key) VALUES ('s', '1', $1), ('s', '2', 'c-42')`, [
      `e-${bare(ann)}`,
    ]);
    await q(`INSERT INTO suppressions (store, email_hash, email, reason) VALUES ('s', $1, NULL, 'unsubscribed')`, [
      bare(bob),
    ]);
    await q(`INSERT INTO erasures (store, customer_key) VALUES ('s', $1), ('s', 'c-7')`, [`e-${bare(bob)}`]);
    expect(await migrate(pool)).toContain('0014_erasure_keys.sql');
    expect(await q('SELECT fingerprint FROM address_keys')).toEqual([{ fingerprint: 'sha256' }]);

    await openAddressKey(pool, TEST_LINK_SECRET);
    // What the app computes now finds every row, even those whose address is stored nowhere.
    expect(await q(`SELECT customer_key FROM customers ORDER BY email NULLS LAST`)).toEqual([
      { customer_key: customerKey({ email: ann }) },
      { customer_key: customerKey({ id: '42' }) },
    ]);
    expect(await q(`SELECT order_id, customer_key FROM orders ORDER BY order_id`)).toEqual([
      { order_id: '1', customer_key: customerKey({ email: ann }) },
      { order_id: '2', customer_key: customerKey({ id: '42' }) },
    ]);
    expect(await q(`SELECT email_hash FROM suppressions`)).toEqual([{ email_hash: addressHash(bob) }]);
    expect((await q(`SELECT customer_key FROM erasures`)).map((r) => r.customer_key).sort()).toEqual(
      [customerKey({ email: bob }), customerKey({ id: '7' })].sort(),
    );

    // Once only: a second start changes nothing.
    await openAddressKey(pool, TEST_LINK_SECRET);
    expect(await q(`SELECT email_hash FROM suppressions`)).toEqual([{ email_hash: emailHash(bob) }]);
    await expect(openAddressKey(pool, 'another-install-secret-0123')).rejects.toThrow(ConfigError);
    await expect(openAddressKey(pool, 'another-install-secret-0123')).rejects.toThrow(/LINK_SECRET is not the secret/);
  });

  it('a database with no data before 0014 records the key without re-keying anything', async () => {
    const other = await freshDatabase();
    const p = new pg.Pool({ connectionString: other.url });
    try {
      await migrate(p);
      expect((await p.query('SELECT count(*)::int AS n FROM address_keys')).rows).toEqual([{ n: 0 }]);
      const key = customerKey({ email: 'cy@example.com' });
      await p.query(`INSERT INTO customers (store, customer_key) VALUES ('s', $1)`, [key]);
      await openAddressKey(p, TEST_LINK_SECRET);
      expect((await p.query('SELECT customer_key FROM customers')).rows).toEqual([{ customer_key: key }]);
      expect((await p.query('SELECT fingerprint FROM address_keys')).rows).toEqual([
        { fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/) },
      ]);
    } finally {
      await p.end();
      await other.drop();
    }
  });
});
