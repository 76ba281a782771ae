// The request log's levels: a failure of ours is an error line; /readyz answering "not ready"
// while the app starts is not one (it would flood the log of every start with errors).
import { describe, expect, it } from 'vitest';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RouteLogController } from '../../src/http/request-log.js';

function levelOf(route: string, status: number, error?: Error): string[] {
  const levels: string[] = [];
  const log = Object.fromEntries(['error', 'warn', 'info', 'debug'].map((l) => [l, () => levels.push(l)]));
  const request = { method: 'GET', routeOptions: { url: route } } as unknown as FastifyRequest;
  const reply = { statusCode: status, elapsedTime: 1.5, log } as unknown as FastifyReply;
  new RouteLogController().requestCompleted(error, request, reply);
  return levels;
}

describe('request log levels', () => {
  it('/readyz not ready (503) is a debug line, like its 200', () => {
    expect(levelOf('/readyz', 503)).toEqual(['debug']);
    expect(levelOf('/readyz', 200)).toEqual(['debug']);
  });

  it('a 5xx elsewhere, or a thrown error on /readyz, is an error line', () => {
    expect(levelOf('/webhooks/:source', 503)).toEqual(['error']);
    expect(levelOf('/readyz', 500)).toEqual(['error']);
    expect(levelOf('/readyz', 503, new Error('bug'))).toEqual(['error']);
    expect(levelOf('/webhooks/:source', 200)).toEqual(['info']);
  });
});
