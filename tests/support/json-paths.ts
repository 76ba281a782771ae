// Every path into a parsed JSON document (keys and array indexes), for tests that mutate real
// payloads one place at a time.
export type Json = unknown;
export type Path = (string | number)[];

/** Every path in `value`, parents before their children. */
export function pathsOf(value: Json, prefix: Path = [], out: Path[] = []): Path[] {
  if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      const path = [...prefix, Array.isArray(value) ? Number(k) : k];
      out.push(path);
      pathsOf(v, path, out);
    }
  }
  return out;
}
