// record-orders.sql reads its rows by column name (jsonb_to_recordset): a key the SQL does not
// list would be dropped silently, a column no key fills would be null. The two lists must match.
import { describe, expect, it } from 'vitest';
import { sql } from '../../src/db/sql.js';
import { orderRow } from '../../src/ingest/record-params.js';

const statement = sql(new URL('../../src/ingest/record.ts', import.meta.url).href, 'record-orders');

function inputColumns(text: string): string[] {
  const list = /jsonb_to_recordset\(\$1::jsonb\) AS r\(([^)]*)\)/.exec(text)![1]!;
  return list.split(',').map((c) => c.trim().split(/\s+/)[0]!);
}

describe('record-orders.sql rows', () => {
  it("orderRow's keys are the statement's input columns", () => {
    const { row } = orderRow(
      { source: 'events', deliveryId: 'd1', store: 's', topic: 't', events: [], raw: null },
      { kind: 'order', orderId: 'o1' },
      { claimed: false, verdict: null, total: null, attributionWindowMs: 1 },
    );
    expect(inputColumns(statement).sort()).toEqual(
      [...Object.keys(row), 'idx', 'payload_offset', 'payload_length'].sort(),
    );
  });
});
