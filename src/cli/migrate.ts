// aftercart migrate: applies migrations/ in order and records them.
import path from 'node:path';
import { loadSettings } from '../config/load.js';
import { openDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';

export async function run(): Promise<number> {
  const { env } = await loadSettings();
  const db = await openDatabase({
    url: env.DATABASE_URL,
    dataDir: path.resolve(env.AFTERCART_DATA_DIR),
    command: 'migrate',
  });
  try {
    const applied = await migrate(db.pool);
    process.stdout.write(applied.length ? `applied ${applied.join(', ')}\n` : 'database is up to date\n');
    return 0;
  } finally {
    await db.close();
  }
}
