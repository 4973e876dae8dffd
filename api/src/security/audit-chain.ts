import crypto from 'node:crypto';

/**
 * The audit log's hash chain, without the database: each entry's `hash` is
 * HMAC-SM3(chain key, prev_hash || canonical entry), `prev_hash` being the previous entry's hash (64
 * zeros for the first). Keyed, so that someone with write access to the database cannot recompute
 * the chain after editing it. Appends are serialised, so ids grow in chain order.
 */

export const ZERO_HASH = '0'.repeat(64);
const CHAIN_KEY_LABEL = 'bpm/audit-chain/v1';

export type AuditResult = 'success' | 'failure' | 'denied';
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** What the hash covers: everything but the hashes themselves. */
export interface AuditEntry {
  id: number;
  at: Date;
  actor: string;
  action: string;
  objectType: string | null;
  objectId: string | null;
  ip: string | null;
  result: AuditResult;
  detail: JsonObject;
  /** The MAC key version the chain key was derived from. */
  macVersion: number;
}

export interface AuditChainRow extends AuditEntry {
  prevHash: string;
  hash: string;
}

export type ChainProblemKind = 'edited' | 'deleted-before' | 'inserted' | 'broken-link' | 'missing-tail';

export interface ChainProblem {
  id: number;
  kind: ChainProblemKind;
  detail: string;
}

export interface ChainVerification {
  ok: boolean;
  checked: number;
  /** The last entry: record it outside the database (see `ChainAnchor`). */
  head: ChainAnchor | null;
  problems: ChainProblem[];
}

/**
 * A chain head recorded elsewhere (a daily report, another system). The chain alone cannot show that
 * its newest entries were deleted; comparing with an anchor can.
 */
export interface ChainAnchor {
  id: number;
  hash: string;
}

/** The chain key of a MAC key: derived, so chain hashes and record seals never share a key. */
export const deriveChainKey = (macKey: Buffer): Buffer => crypto.createHmac('sm3', macKey).update(CHAIN_KEY_LABEL).digest();

/** JSON with object keys sorted at every level (JSON.stringify keeps insertion order, and puts integer-like keys first). */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('audit detail holds a non-finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const members: string[] = [];
  for (const key of keys) {
    const member = value[key];
    if (member !== undefined) members.push(`${JSON.stringify(key)}:${canonicalJson(member)}`);
  }
  return `{${members.join(',')}}`;
}

export function canonicalAuditEntry(entry: AuditEntry): string {
  const fields = [
    'audit/1',
    String(entry.id),
    entry.at.toISOString(),
    entry.actor,
    entry.action,
    entry.objectType,
    entry.objectId,
    entry.ip,
    entry.result,
    String(entry.macVersion),
  ];
  return `${JSON.stringify(fields)}${canonicalJson(entry.detail)}`;
}

/** HMAC-SM3(key, prev_hash || canonical(entry)), 64 hex digits. */
export function chainHash(prevHash: string, entry: AuditEntry, chainKey: Buffer): string {
  return crypto.createHmac('sm3', chainKey).update(prevHash, 'utf8').update(canonicalAuditEntry(entry), 'utf8').digest('hex');
}

/**
 * Verifies rows fed in id order, batch by batch. A row is judged when the next one arrives: a row
 * whose hash is wrong while the next row links past it was inserted; one whose hash is wrong while
 * the chain runs through it was edited; a row that does not link to its predecessor has entries
 * deleted before it (there is an id gap, or it is the first row but does not start from zeros) or a
 * broken link. Id gaps alone are normal: an append that rolls back still used its sequence value.
 */
export class ChainVerifier {
  readonly #keyFor: (macVersion: number) => Buffer | undefined;
  readonly #problems: ChainProblem[] = [];
  #pending: { row: AuditChainRow; intact: boolean; previousSeenId: number | undefined } | undefined;
  #lastInChain: AuditChainRow | undefined;
  #lastSeen: AuditChainRow | undefined;
  #checked = 0;
  #anchorSeen: AuditChainRow | undefined;

  constructor(
    keyFor: (macVersion: number) => Buffer | undefined,
    private readonly anchor?: ChainAnchor,
  ) {
    this.#keyFor = keyFor;
  }

  push(row: AuditChainRow): void {
    if (this.#lastSeen && row.id <= this.#lastSeen.id) throw new Error('audit rows must be verified in ascending id order');
    if (this.#pending) this.#settle(this.#pending, row);
    const key = this.#keyFor(row.macVersion);
    const intact = key !== undefined && safeEqualHex(chainHash(row.prevHash, row, key), row.hash);
    if (!key) this.#problems.push({ id: row.id, kind: 'edited', detail: `MAC key v${row.macVersion} is unknown` });
    this.#pending = { row, intact, previousSeenId: this.#lastSeen?.id };
    if (this.anchor && row.id === this.anchor.id) this.#anchorSeen = row;
    this.#lastSeen = row;
    this.#checked += 1;
  }

  finish(): ChainVerification {
    if (this.#pending) this.#settle(this.#pending, undefined);
    this.#pending = undefined;
    if (this.anchor) {
      if (!this.#anchorSeen) {
        this.#problems.push({ id: this.anchor.id, kind: 'missing-tail', detail: `anchored entry ${this.anchor.id} is gone: entries up to it were deleted` });
      } else if (this.#anchorSeen.hash !== this.anchor.hash) {
        this.#problems.push({ id: this.anchor.id, kind: 'missing-tail', detail: `entry ${this.anchor.id} no longer has the anchored hash` });
      }
    }
    const problems = [...this.#problems].sort((a, b) => a.id - b.id);
    const head = this.#lastSeen ? { id: this.#lastSeen.id, hash: this.#lastSeen.hash } : null;
    return { ok: problems.length === 0, checked: this.#checked, head, problems };
  }

  #settle(pending: { row: AuditChainRow; intact: boolean; previousSeenId: number | undefined }, next: AuditChainRow | undefined): void {
    const { row, intact, previousSeenId } = pending;
    const previous = this.#lastInChain;
    const expectedPrev = previous ? previous.hash : ZERO_HASH;
    if (!intact) {
      if (next && next.prevHash === expectedPrev && row.hash !== next.prevHash) {
        this.#problems.push({ id: row.id, kind: 'inserted', detail: 'entry is not part of the chain: the next entry links past it' });
        return;
      }
      if (this.#keyFor(row.macVersion)) {
        this.#problems.push({ id: row.id, kind: 'edited', detail: 'hash does not match the content (edited, or forged)' });
      }
    }
    if (row.prevHash !== expectedPrev) {
      if (!previous) {
        this.#problems.push({ id: row.id, kind: 'deleted-before', detail: `the first entry does not start from zeros: entries before ${row.id} are missing` });
      } else if (previousSeenId !== undefined && row.id > previousSeenId + 1) {
        this.#problems.push({ id: row.id, kind: 'deleted-before', detail: `prev_hash does not match entry ${previous.id}: entries between ${previousSeenId} and ${row.id} are missing` });
      } else {
        this.#problems.push({ id: row.id, kind: 'broken-link', detail: `prev_hash does not match entry ${previous.id}` });
      }
    }
    this.#lastInChain = row;
  }
}

export function verifyChain(rows: Iterable<AuditChainRow>, keyFor: (macVersion: number) => Buffer | undefined, anchor?: ChainAnchor): ChainVerification {
  const verifier = new ChainVerifier(keyFor, anchor);
  for (const row of rows) verifier.push(row);
  return verifier.finish();
}

function safeEqualHex(a: string, b: string): boolean {
  return a.length === b.length && crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
