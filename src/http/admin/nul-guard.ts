// Postgres refuses a NUL character in text, so a value holding one failed its query and the
// route answered 500. No admin value needs one: every admin route refuses them here, as a 400
// naming the value, before its handler runs (after the gate, so strangers still get 401).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { badRequest } from './errors.js';

export async function refuseNul(req: FastifyRequest, reply: FastifyReply) {
  const where = firstNul({ path: req.params, query: req.query, body: req.body });
  if (where) return badRequest(req, reply, `${where} contains a NUL character (\\u0000)`);
}

/**
 * Where the first string holding a NUL is (`query value "store"`), else undefined. A loop, not
 * recursion: a deeply nested JSON body must not overflow the stack.
 */
function firstNul(parts: Record<string, unknown>): string | undefined {
  for (const [part, value] of Object.entries(parts)) {
    const stack: [string, unknown][] = [['', value]];
    while (stack.length > 0) {
      const [name, v] = stack.pop()!;
      if (typeof v === 'string') {
        if (v.includes('\u0000')) return name ? `${part} value ${JSON.stringify(name.slice(0, 40))}` : part;
      } else if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v)) {
        // Nested values are reported under their top-level field.
        for (const [key, child] of Object.entries(v)) stack.push([name || key, child]);
      }
    }
  }
  return undefined;
}
