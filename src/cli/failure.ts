// What a failed command prints: one line naming the file, line, field or service and what was
// expected, for every mistake a user can make; the stack only with --verbose (or DEBUG=1).
import { ConfigError } from '../config/load.js';
import { DataDirInUseError } from '../db/data-dir-owner.js';
import { SqlState } from '../db/errors.js';

/** Errors that mean a fault in our code rather than in the input: they say so. */
const INTERNAL = [TypeError, ReferenceError, RangeError];

function databaseFailure(err: {
  code?: string;
  message?: string;
  address?: string;
  port?: number;
}): string | undefined {
  switch (err.code) {
    case SqlState.invalidPassword:
    case SqlState.invalidAuthorizationSpecification:
      return `the database refused the login: ${err.message} (check DATABASE_URL)`;
    case SqlState.invalidCatalogName:
      return `${err.message} (check DATABASE_URL)`;
    case 'ECONNREFUSED':
      return `cannot reach ${err.address ?? 'the server'}:${err.port ?? '?'} (connection refused): is the database or Redis running? (DATABASE_URL, REDIS_URL)`;
    default:
      return undefined;
  }
}

function fileFailure(err: { code?: string; path?: string; message?: string }): string | undefined {
  if (err.code === 'ENOENT' && err.path) return `no such file: ${err.path}`;
  if (err.code === 'EACCES' && err.path) return `not allowed to read ${err.path}`;
  if (err.code === 'EISDIR' && err.path) return `${err.path} is a folder, expected a file`;
  return undefined;
}

export function failureLine(err: unknown): string {
  if (err instanceof ConfigError || err instanceof DataDirInUseError) return err.message;
  if (typeof err !== 'object' || err === null) return String(err);
  const known = databaseFailure(err) ?? fileFailure(err);
  if (known) return known;
  const message = ((err as Error).message ?? String(err)).split('\n')[0]!;
  if (INTERNAL.some((kind) => err instanceof kind))
    return `${message} (an internal error: run again with --verbose for the stack, and please report it)`;
  return message;
}

export const wantsStack = (argv: string[], env: NodeJS.ProcessEnv = process.env): boolean =>
  argv.includes('--verbose') || env.DEBUG === '1' || env.DEBUG === 'true';
