// customers/data_request (customer.data_requested): what we hold about the customer (orders,
// emails sent, clicks, decisions) written as a JSON file under the data dir, and its path logged
// (never the address), so the store can answer the request.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import type { Logger } from 'pino';
import { sql } from '../db/sql.js';
import { identify, requestKey, type PrivacyRequest } from './identity.js';
import { dataRequestDir, type PrivacyFiles } from './files.js';

const queries = { dataRequest: sql(import.meta.url, 'data-request') };

type Queryable = Pick<pg.PoolClient, 'query'>;

export interface DataRequest extends PrivacyRequest {
  /** The platform's id of the request (Shopify data_request.id), echoed in the file. */
  requestId?: string;
}

/** Writes `<dataDir>/data-requests/<store>/<customer key>/<time>.json` (owner-only); returns its path. */
export async function writeDataRequest(
  db: Queryable,
  files: PrivacyFiles,
  request: DataRequest,
  log?: Pick<Logger, 'info'>,
): Promise<string> {
  const who = await identify(db, request);
  const { rows } = await db.query<{ data: Record<string, unknown[]> }>(queries.dataRequest, [
    request.store,
    who.keys,
    who.orderIds,
    who.addressHashes,
  ]);
  const data = rows[0]!.data;
  const at = new Date();
  const dir = dataRequestDir(files, request.store, requestKey(request, who));
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `${at.toISOString().replace(/[:.]/g, '-')}.json`);
  const answer = {
    store: request.store,
    requestId: request.requestId ?? null,
    writtenAt: at.toISOString(),
    request: requestOf(request),
    ...data,
  };
  await writeFile(file, JSON.stringify(answer, null, 2) + '\n', { mode: 0o600 });
  log?.info(
    {
      store: request.store,
      requestId: request.requestId,
      path: file,
      orders: data.orders?.length ?? 0,
      emails: data.emailsSent?.length ?? 0,
    },
    'customer data request: answer written for the store to hand over',
  );
  return file;
}

function requestOf(r: DataRequest) {
  return { email: r.email ?? null, customerId: r.customerId ?? null, orderIds: r.orderIds ?? [] };
}
