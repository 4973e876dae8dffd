import crypto from 'node:crypto';
import type { SessionData } from 'express-session';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDb } from '../db/knex';
import { PgSessionStore, SESSION_TOUCH_INTERVAL_MS } from './session-store';

const env = inject('testEnv');
const db = createDb(env.databaseUrl, 2);
const options = { conString: env.databaseUrl, tableName: 'user_sessions', createTableIfMissing: false, pruneSessionInterval: false } as const;
const store = new PgSessionStore(options);
afterAll(async () => {
  store.close();
  await db.destroy();
});

/** A store call with a node callback, as a promise. */
const call = <T = undefined>(fn: (done: (err?: unknown, value?: T) => void) => void): Promise<T | undefined> =>
  new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
const sessionUntil = (expires: number) => ({ cookie: { expires: new Date(expires), originalMaxAge: 30 * 60_000 }, userId: 1 }) as unknown as SessionData;
/** What connect-pg-simple stores: whole seconds, rounded up. */
const asStored = (ms: number) => Math.ceil(ms / 1000) * 1000;
const storedExpiry = async (sid: string) => (await db('user_sessions').where({ sid }).first<{ expire: Date } | undefined>('expire'))?.expire.getTime();

describe('rolling session store (S1)', () => {
  it('S1 a session in use has its stored expiry moved at most once a minute, so it can end early by that much but never late', async () => {
    const sid = crypto.randomUUID();
    const start = Date.now() + 30 * 60_000;
    await call((done) => store.set(sid, sessionUntil(start), done));
    expect(await storedExpiry(sid)).toBe(asStored(start));

    // A request 10 s later: the stored expiry is only 10 s behind, nothing is written.
    await call((done) => store.touch(sid, sessionUntil(start + 10_000), done));
    expect(await storedExpiry(sid)).toBe(asStored(start));

    // A minute later it is written again.
    const later = start + SESSION_TOUCH_INTERVAL_MS;
    await call((done) => store.touch(sid, sessionUntil(later), done));
    expect(await storedExpiry(sid)).toBe(asStored(later));

    // Another process's store knows nothing of this session and writes on its first touch.
    const other = new PgSessionStore(options);
    try {
      await call((done) => other.touch(sid, sessionUntil(later + 5_000), done));
      expect(await storedExpiry(sid)).toBe(asStored(later + 5_000));
    } finally {
      other.close();
    }

    // Signing out still deletes the row at once.
    await call((done) => store.destroy(sid, done));
    expect(await storedExpiry(sid)).toBeUndefined();
    expect(await call<SessionData | null>((done) => store.get(sid, done))).toBeFalsy();
  });
});
