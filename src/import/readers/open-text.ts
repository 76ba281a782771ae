// Opens a history file as a byte stream, gunzipping on the fly when the file is gzip.
// The magic bytes (1f 8b) decide, not the name: a `.csv` that is really gzip is read, and a
// `.gz` that is plain text (already unpacked by a browser) is read as text too.
// Files are never read whole: a 40 MB export costs the same memory as a 4 KB one.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

export async function isGzipFile(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/** A readable byte stream of the (decompressed) file. */
export async function openText(path: string): Promise<Readable> {
  const gz = await isGzipFile(path);
  const raw = createReadStream(path, { highWaterMark: 1 << 16 });
  if (!gz) return raw;
  const gunzip = createGunzip();
  // Forward read errors so the consumer's `for await` throws instead of hanging.
  raw.on('error', (err) => gunzip.destroy(err));
  return raw.pipe(gunzip);
}
