// Signing out ends a session in every process and across restarts: a cookie stays valid by its
// MAC until it expires, so signing out keeps its nonce on a revocation list until then
// (migrations/0015_admin_sessions.sql). One indexed lookup per request on a session cookie.
import type pg from 'pg';
import { sql } from '../../db/sql.js';
import { SESSION_TTL_MS, type Session, type SessionSigner } from './auth.js';

const queries = {
  revoked: sql(import.meta.url, 'session-revoked'),
  revoke: sql(import.meta.url, 'revoke-session'),
};

/** The session a cookie carries, unless it is forged, expired or signed out. */
export async function liveSession(
  pool: pg.Pool,
  signer: SessionSigner,
  cookie: string | undefined,
): Promise<Session | null> {
  const session = signer.verify(cookie);
  if (!session) return null;
  const { rowCount } = await pool.query(queries.revoked, [session.nonce]);
  return rowCount ? null : session;
}

export async function revokeSession(pool: pg.Pool, session: Session): Promise<void> {
  await pool.query(queries.revoke, [session.nonce, new Date(session.issuedAt + SESSION_TTL_MS)]);
}
