// The config the benchmark's child processes run with: due `delay` after the order (ingest
// schedules an hour out, as a store would; send wants jobs due now), no quiet hours, no cap.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function benchConfigFile(delay = '1s'): string {
  const file = path.join(os.tmpdir(), `aftercart-bench-${delay}.config.json`);
  writeFileSync(
    file,
    JSON.stringify({
      timing: { default: { after: 'order', delay }, quietHours: false, frequencyCap: { max: 1000, per: '1d' } },
    }),
  );
  return file;
}
