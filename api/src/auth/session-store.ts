import session, { type SessionData } from 'express-session';
import connectPgSimple from 'connect-pg-simple';

/** How far the stored expiry of a session may fall behind its rolling cookie before it is written again. */
export const SESSION_TOUCH_INTERVAL_MS = 60_000;
/** Sessions whose last write this process remembers; past it the memory starts afresh (only costs writes). */
const REMEMBERED_SESSIONS = 50_000;

const PgStore = connectPgSimple(session);

/** The store's expiry of a session, in whole seconds as connect-pg-simple writes it. */
const expirySeconds = (sess: SessionData): number | undefined => {
  const expires = sess.cookie?.expires;
  return expires ? Math.ceil(new Date(expires).valueOf() / 1000) : undefined;
};

/**
 * Sessions in PostgreSQL (`user_sessions`). The sessions are rolling (each request moves the idle
 * deadline), and express-session holds the end of every response until the store has written the new
 * expiry: one UPDATE and commit per API call. This store writes it only when the stored expiry has
 * fallen more than `touchIntervalMs` behind, so a session may end up to that much before its idle
 * timeout, never after it. Every read still checks the stored expiry, and sign-out deletes the row.
 */
export class PgSessionStore extends PgStore {
  /** Session id → the expiry (seconds) this process last stored for it. */
  readonly #stored = new Map<string, number>();

  constructor(
    options: ConstructorParameters<typeof PgStore>[0],
    private readonly touchIntervalMs = SESSION_TOUCH_INTERVAL_MS,
  ) {
    super(options);
  }

  override set(sid: string, sess: SessionData, callback?: (err?: unknown) => void): void {
    this.#stored.delete(sid);
    super.set(sid, sess, (err?: unknown) => {
      if (!err) this.#remember(sid, sess);
      callback?.(err);
    });
  }

  override touch(sid: string, sess: SessionData, callback?: (err?: unknown) => void): void {
    const next = expirySeconds(sess);
    const stored = this.#stored.get(sid);
    if (next !== undefined && stored !== undefined && (next - stored) * 1000 < this.touchIntervalMs) {
      callback?.();
      return;
    }
    super.touch(sid, sess, (err?: unknown) => {
      if (!err) this.#remember(sid, sess);
      callback?.(err);
    });
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.#stored.delete(sid);
    super.destroy(sid, callback);
  }

  #remember(sid: string, sess: SessionData): void {
    const expiry = expirySeconds(sess);
    if (expiry === undefined) return;
    if (this.#stored.size >= REMEMBERED_SESSIONS) this.#stored.clear();
    this.#stored.set(sid, expiry);
  }
}
