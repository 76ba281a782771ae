// The embedded database has one owner: with `aftercart start` running on a data dir, other
// commands on that dir (separate processes) work on the same database through the owner's
// socket — imports while the server ingests, explain, an unsubscribe through HTTP — a second
// `start` refuses naming the owner, and after a kill -9 a new `start` takes the lock over.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/services.js';
import { freePort } from '../support/processes.js';

const root = new URL('../../', import.meta.url).pathname;
const bin = path.join(root, 'bin/aftercart.mjs');
const SECRET = `whsec_${Buffer.from('embedded-owner-test-secret-0123').toString('base64')}`;
const ADMIN_TOKEN = 'owner-test-admin-token-0123456789abcdef';
const HISTORY = 300; // imported history orders
const LIVE = 20; // webhook orders posted while the history imports

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('one owner of the embedded database (start + other commands as separate processes)', () => {
  let dataDir: string;
  let files: string;
  let port: number;
  let env: NodeJS.ProcessEnv;
  let owner: ChildProcess;
  let ownerLog = '';
  const base = () => `http://127.0.0.1:${port}`;

  /** Spawns `aftercart ARGS` on the data dir; resolves on exit. */
  function aftercart(args: string[], extra: Record<string, string> = {}): { child: ChildProcess; done: Promise<Run> } {
    const child = spawn('node', [bin, ...args], { cwd: root, env: { ...env, ...extra }, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const done = new Promise<Run>((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
    return { child, done };
  }

  async function startOwner(): Promise<ChildProcess> {
    const { child } = aftercart(['start']);
    ownerLog = '';
    child.stderr!.on('data', (d) => (ownerLog += d));
    for (let i = 0; i < 600; i++) {
      if (
        await fetch(`${base()}/readyz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        return child;
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`start did not become ready: ${ownerLog}`);
  }

  /** A pool on the owner's socket, as every other command opens it. */
  async function ownerPool(): Promise<pg.Pool> {
    const lock = JSON.parse(await readFile(path.join(dataDir, 'owner.json'), 'utf8')) as { address: string };
    return new pg.Pool({ connectionString: `postgres://postgres@${lock.address}/postgres`, max: 2 });
  }

  const hook = new Webhook(SECRET);
  async function postOrder(id: string, email: string): Promise<number> {
    const body = JSON.stringify({
      type: 'order.created',
      data: {
        store: 'demo',
        order: {
          id,
          createdAt: new Date().toISOString(),
          currency: 'USD',
          shippingCountry: 'US',
          customer: {
            id: `C-${email}`,
            email,
            firstName: 'Ann',
            locale: 'en-US',
            timezone: 'America/New_York',
            marketingConsent: true,
          },
          lines: [
            {
              productId: 'P1',
              title: 'Console X',
              productType: 'Video Game Console',
              quantity: 1,
              unitPrice: '399.00',
            },
          ],
        },
      },
    });
    const msgId = `msg_${id}`;
    const ts = new Date();
    const res = await fetch(`${base()}/webhooks/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': msgId,
        'webhook-timestamp': String(Math.floor(ts.getTime() / 1000)),
        'webhook-signature': hook.sign(msgId, ts, body),
      },
      body,
    });
    return res.status;
  }

  async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async function explain(
    orderId: string,
  ): Promise<{ status: string; reason: string | null; items: { title: string }[] }> {
    const run = await aftercart(['explain', orderId, '--store', 'demo', '--json']).done;
    expect(run.code, run.stderr).toBe(0);
    return JSON.parse(run.stdout);
  }

  beforeAll(async () => {
    dataDir = await tempDir();
    files = await tempDir();
    port = await freePort();
    const config = path.join(files, 'aftercart.config.json');
    await writeFile(
      config,
      JSON.stringify({
        store: { name: 'Owner Test', url: 'https://shop.example' },
        timing: { default: { after: 'order', delay: '1s' }, quietHours: false, frequencyCap: { max: 100, per: '1d' } },
      }),
    );
    const product = (id: string, title: string, productType: string, price: string, extra = {}) =>
      JSON.stringify({
        id,
        title,
        productType,
        price,
        currency: 'USD',
        available: true,
        url: `https://shop.example/p/${id}`,
        ...extra,
      });
    await writeFile(
      path.join(files, 'catalog.jsonl'),
      [
        product('P1', 'Console X', 'Video Game Console', '399.00', {
          complements: [{ id: 'P3', required: true }, { id: 'P2' }],
        }),
        product('P2', 'Space Quest', 'Video Game', '59.99'),
        product('P3', 'Imported HDMI Cable', 'Cable', '19.99'),
      ].join('\n') + '\n',
    );
    const history = Array.from({ length: HISTORY }, (_, i) =>
      JSON.stringify({
        id: `H${i}`,
        createdAt: new Date(Date.UTC(2025, 0, 1 + (i % 200))).toISOString(),
        currency: 'USD',
        customer: { id: `HC${i % 50}`, email: `h${i % 50}@history.example` },
        lines: [
          { productId: 'P1', title: 'Console X', quantity: 1, unitPrice: '399.00' },
          { productId: i % 2 ? 'P2' : 'P3', title: 'x', quantity: 1, unitPrice: '19.99' },
        ],
      }),
    );
    await writeFile(path.join(files, 'history.jsonl'), history.join('\n') + '\n');
    const keep = ['PATH', 'HOME', 'LANG', 'TMPDIR'];
    env = {
      ...Object.fromEntries(keep.filter((k) => process.env[k]).map((k) => [k, process.env[k]])),
      AFTERCART_DATA_DIR: dataDir,
      AFTERCART_CONFIG: config,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      STANDARD_WEBHOOK_SECRET: SECRET,
      LINK_SECRET: 'owner-test-link-secret-0123456789',
      ADMIN_TOKEN,
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
    };
    owner = await startOwner();
  }, 90_000);

  afterAll(async () => {
    if (owner && owner.exitCode === null) {
      owner.kill('SIGTERM');
      await new Promise((r) => owner.once('exit', r));
    }
  });

  it('imports from other processes while the server ingests webhooks: both land in the one database, and explain sees the send', async () => {
    const catalog = await aftercart(['import', 'catalog', path.join(files, 'catalog.jsonl'), '--store', 'demo']).done;
    expect(catalog.code, catalog.stderr).toBe(0);
    expect(catalog.stdout).toMatch(/3 products/);

    // The history import (a client of the owner's socket) runs while webhooks are being recorded.
    const importing = aftercart(['import', 'orders', path.join(files, 'history.jsonl'), '--store', 'demo']).done;
    const statuses = await Promise.all(Array.from({ length: LIVE }, (_, i) => postOrder(`W${i}`, `w${i}@example.com`)));
    expect(statuses).toEqual(Array(LIVE).fill(200));
    const history = await importing;
    expect(history.code, history.stderr).toBe(0);
    expect(history.stdout).toMatch(new RegExp(`${HISTORY} orders`));

    const pool = await ownerPool();
    try {
      const { rows } = await pool.query(
        `SELECT count(*) FILTER (WHERE from_history)::int AS imported, count(*) FILTER (WHERE NOT from_history)::int AS live FROM orders WHERE store = 'demo'`,
      );
      expect(rows[0]).toEqual({ imported: HISTORY, live: LIVE });
      await until('every live order sent', async () => {
        const r = await pool.query(
          `SELECT count(*)::int AS n FROM cross_sells WHERE store = 'demo' AND status = 'sent'`,
        );
        return r.rows[0].n === LIVE ? true : undefined;
      });
    } finally {
      await pool.end();
    }
    // A second process sees what the server sent, with the items the imported catalog gave it.
    const explained = await explain('W0');
    expect(explained.status).toBe('sent');
    expect(explained.items.map((i) => i.title)).toContain('Imported HDMI Cable');
  }, 90_000);

  it('an unsubscribe through HTTP is stored: the admin API lists it and explain shows the next order skipped', async () => {
    const outbox = path.join(dataDir, 'outbox');
    const emails = await Promise.all(
      (await readdir(outbox)).filter((f) => f.endsWith('.eml')).map((f) => readFile(path.join(outbox, f), 'utf8')),
    );
    const email = emails.map((e) => e.replace(/\r?\n[ \t]+/g, ' ')).find((e) => /^To: .*w1@example\.com/m.test(e));
    expect(email).toBeDefined();
    const link = /^List-Unsubscribe: <(http:\/\/[^>]+\/u\/[^>]+)>/m.exec(email!)![1]!;
    const res = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, unsubscribed: true });

    const admin = await fetch(`${base()}/admin/api/suppressions?email=w1@example.com`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(admin.status).toBe(200);
    expect((await admin.json()).suppressions).toEqual([
      expect.objectContaining({ store: 'demo', reason: 'unsubscribed' }),
    ]);

    expect(await postOrder('W1-again', 'w1@example.com')).toBe(200);
    await until('the second order decided', async () => {
      const r = await fetch(`${base()}/admin/api/orders/W1-again?store=demo`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      const body = r.ok ? await r.json() : undefined;
      return body && !['waiting', 'scheduled', 'sending'].includes(body.status) ? body : undefined;
    });
    expect(await explain('W1-again')).toMatchObject({ status: 'skipped', reason: 'unsubscribed' });
  }, 60_000);

  it('a second start on the same data dir refuses with one line naming the running pid', async () => {
    const second = await aftercart(['start'], { PORT: String(await freePort()) }).done;
    expect(second.code).not.toBe(0);
    expect(second.stderr).toBe(
      `aftercart: the data dir ${dataDir} is in use by aftercart start (pid ${owner.pid}); stop it first, or give this command another AFTERCART_DATA_DIR\n`,
    );
    expect(await fetch(`${base()}/readyz`).then((r) => r.status)).toBe(200); // the owner is unharmed
  }, 30_000);

  it('after kill -9 of the owner a new start takes the stale lock over, with every row intact; a clean stop removes the lock', async () => {
    const killed = owner.pid!;
    owner.kill('SIGKILL');
    await new Promise((r) => owner.once('exit', r));
    expect(JSON.parse(await readFile(path.join(dataDir, 'owner.json'), 'utf8')).pid).toBe(killed);

    owner = await startOwner();
    expect(JSON.parse(await readFile(path.join(dataDir, 'owner.json'), 'utf8')).pid).toBe(owner.pid);
    const pool = await ownerPool();
    try {
      const { rows } = await pool.query(
        `SELECT count(*) FILTER (WHERE from_history)::int AS imported, count(*) FILTER (WHERE NOT from_history)::int AS live FROM orders WHERE store = 'demo'`,
      );
      expect(rows[0]).toEqual({ imported: HISTORY, live: LIVE + 1 });
    } finally {
      await pool.end();
    }

    owner.kill('SIGTERM');
    expect(await new Promise((r) => owner.once('exit', r))).toBe(0);
    await expect(readFile(path.join(dataDir, 'owner.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    // With no owner, a command owns the dir for itself and gives it back.
    expect(await explain('W0')).toMatchObject({ status: 'sent' });
    await expect(readFile(path.join(dataDir, 'owner.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  }, 90_000);
});
