import { SM2_N } from './sm2-keys';

/**
 * Point arithmetic on the SM2 curve (GB/T 32918.5) with native BigInt, for **signature
 * verification only**: it handles public data and is not constant-time. Never use it with a
 * private key or a nonce (signing takes k·G from OpenSSL).
 *
 * y² = x³ + ax + b over GF(p) with a = p − 3, so the a = −3 doubling formulas apply. Points are in
 * Jacobian coordinates (X, Y, Z) ↔ (X/Z², Y/Z³), Z = 0 being the point at infinity. u1·G + u2·Q is
 * computed in one chain of doublings (Shamir's trick) over the width-w NAFs of both scalars, with
 * the odd multiples of G precomputed once (affine) and those of Q once per public key (made affine
 * with one shared inversion, kept for the last 64 keys), so all additions are mixed additions.
 */

export const SM2_P = 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn;
const P = SM2_P;
const B = 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n;
const GX = 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n;
const GY = 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n;
const N = SM2_N;

/** Affine point; the point at infinity never appears in affine form here. */
export interface AffinePoint {
  x: bigint;
  y: bigint;
}

/** The base point G. */
export const SM2_G: AffinePoint = { x: GX, y: GY };

type Jacobian = [x: bigint, y: bigint, z: bigint];

/** Field reduction of any (possibly negative) integer. */
function md(a: bigint): bigint {
  const r = a % P;
  return r < 0n ? r + P : r;
}

/** a⁻¹ mod m by the extended Euclidean algorithm, for 0 < a < m with m prime. */
function invert(a: bigint, m: bigint): bigint {
  let [oldR, r] = [a, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw new RangeError('not invertible');
  const result = oldS % m;
  return result < 0n ? result + m : result;
}

/** Whether (x, y) with 0 ≤ x, y < p satisfies y² = x³ − 3x + b. */
export function isOnCurve(point: AffinePoint): boolean {
  const { x, y } = point;
  if (x < 0n || x >= P || y < 0n || y >= P) return false;
  return md(y * y) === md(((x * x) % P) * x - 3n * x + B);
}

/** 2·(X, Y, Z) with a = −3 (dbl-2001-b). */
function double([x1, y1, z1]: Jacobian): Jacobian {
  if (z1 === 0n || y1 === 0n) return [1n, 1n, 0n];
  const delta = (z1 * z1) % P;
  const gamma = (y1 * y1) % P;
  const beta = (x1 * gamma) % P;
  const alpha = md(3n * (x1 - delta) * (x1 + delta));
  const x3 = md(alpha * alpha - 8n * beta);
  const z3 = md((y1 + z1) ** 2n - gamma - delta);
  const y3 = md(alpha * (4n * beta - x3) - 8n * gamma * gamma);
  return [x3, y3, z3];
}

/** (X1, Y1, Z1) + (x2, y2) with the second point affine (madd-2007-bl). */
function addAffine(p1: Jacobian, x2: bigint, y2: bigint): Jacobian {
  const [x1, y1, z1] = p1;
  if (z1 === 0n) return [x2, y2, 1n];
  const z1z1 = (z1 * z1) % P;
  const u2 = (x2 * z1z1) % P;
  const s2 = (((y2 * z1) % P) * z1z1) % P;
  const h = md(u2 - x1);
  const r = md(2n * (s2 - y1));
  if (h === 0n) return r === 0n ? double(p1) : [1n, 1n, 0n];
  const hh = (h * h) % P;
  const i = 4n * hh;
  const j = (h * i) % P;
  const v = (x1 * i) % P;
  const x3 = md(r * r - j - 2n * v);
  const y3 = md(r * (v - x3) - 2n * y1 * j);
  const z3 = md((z1 + h) ** 2n - z1z1 - hh);
  return [x3, y3, z3];
}

/** (X1, Y1, Z1) + (X2, Y2, Z2) (add-2007-bl). */
function add(p1: Jacobian, p2: Jacobian): Jacobian {
  const [x1, y1, z1] = p1;
  const [x2, y2, z2] = p2;
  if (z1 === 0n) return p2;
  if (z2 === 0n) return p1;
  const z1z1 = (z1 * z1) % P;
  const z2z2 = (z2 * z2) % P;
  const u1 = (x1 * z2z2) % P;
  const u2 = (x2 * z1z1) % P;
  const s1 = (((y1 * z2) % P) * z2z2) % P;
  const s2 = (((y2 * z1) % P) * z1z1) % P;
  const h = md(u2 - u1);
  const r = md(2n * (s2 - s1));
  if (h === 0n) return r === 0n ? double(p1) : [1n, 1n, 0n];
  const i = (4n * h * h) % P;
  const j = (h * i) % P;
  const v = (u1 * i) % P;
  const x3 = md(r * r - j - 2n * v);
  const y3 = md(r * (v - x3) - 2n * ((s1 * j) % P));
  const z3 = md(((z1 + z2) ** 2n - z1z1 - z2z2) * h);
  return [x3, y3, z3];
}

/** Affine form of points none of which is at infinity, with one inversion (Montgomery's trick). */
function toAffine(points: Jacobian[]): AffinePoint[] {
  const prefix: bigint[] = [];
  let acc = 1n;
  for (const [, , z] of points) {
    prefix.push(acc);
    acc = (acc * z) % P;
  }
  let inverse = invert(acc, P);
  const result: AffinePoint[] = new Array(points.length);
  for (let i = points.length - 1; i >= 0; i -= 1) {
    const [x, y, z] = points[i] as Jacobian;
    const zInv = ((prefix[i] as bigint) * inverse) % P;
    inverse = (inverse * z) % P;
    const zInv2 = (zInv * zInv) % P;
    result[i] = { x: (x * zInv2) % P, y: (((y * zInv2) % P) * zInv) % P };
  }
  return result;
}

/** P, 3P, 5P, …, (2^(w−1) − 1)P in affine form: the table a width-w NAF digit indexes as (|d| − 1) / 2. */
function oddMultiples(point: AffinePoint, width: number): AffinePoint[] {
  const base: Jacobian = [point.x, point.y, 1n];
  const twice = double(base);
  const table: Jacobian[] = [base];
  for (let i = 1; i < 1 << (width - 2); i += 1) table.push(add(table[i - 1] as Jacobian, twice));
  return toAffine(table);
}

/** Width-w NAF of k ≥ 0, least significant digit first: odd digits in (−2^(w−1), 2^(w−1)) or 0. */
function wnaf(k: bigint, width: number): Int8Array {
  const digits = new Int8Array(258);
  const window = 1 << width;
  const mask = BigInt(window - 1);
  let i = 0;
  while (k > 0n) {
    if (k & 1n) {
      let d = Number(k & mask);
      if (d >= window >> 1) d -= window;
      digits[i] = d;
      k -= BigInt(d);
    }
    k >>= 1n;
    i += 1;
  }
  return digits;
}

const G_WIDTH = 7;
const Q_WIDTH = 5;
const G_TABLE = oddMultiples(SM2_G, G_WIDTH);

/** Tables of the few public keys verified again and again (the platforms'), by "x:y" in hex. */
const Q_TABLES = new Map<string, AffinePoint[]>();
const Q_TABLES_MAX = 64;

function qTableOf(q: AffinePoint): AffinePoint[] {
  const key = `${q.x.toString(16)}:${q.y.toString(16)}`;
  let table = Q_TABLES.get(key);
  if (!table) {
    table = oddMultiples(q, Q_WIDTH);
    if (Q_TABLES.size >= Q_TABLES_MAX) Q_TABLES.clear();
    Q_TABLES.set(key, table);
  }
  return table;
}

/** u1·G + u2·Q in Jacobian coordinates, for 0 ≤ u1, u2 < 2^257 and Q an affine point other than O. */
function twoScalarMultiply(u1: bigint, u2: bigint, q: AffinePoint): Jacobian {
  const qTable = qTableOf(q);
  const n1 = wnaf(u1, G_WIDTH);
  const n2 = wnaf(u2, Q_WIDTH);
  let top = n1.length - 1;
  while (top >= 0 && n1[top] === 0 && n2[top] === 0) top -= 1;
  let acc: Jacobian = [1n, 1n, 0n];
  for (let i = top; i >= 0; i -= 1) {
    acc = double(acc);
    const d1 = n1[i] as number;
    const d2 = n2[i] as number;
    if (d1 !== 0) {
      const { x, y } = G_TABLE[(Math.abs(d1) - 1) >> 1] as AffinePoint;
      acc = addAffine(acc, x, d1 > 0 ? y : P - y);
    }
    if (d2 !== 0) {
      const { x, y } = qTable[(Math.abs(d2) - 1) >> 1] as AffinePoint;
      acc = addAffine(acc, x, d2 > 0 ? y : P - y);
    }
  }
  return acc;
}

/**
 * u1·G + u2·point in affine form, or null for the point at infinity, for 0 ≤ u1, u2 < n. Does not check
 * that `point` is on the curve: the formulas never use b, so an off-curve point silently lands on
 * another curve (see `sm2VerifyRaw`).
 */
export function linearCombination(u1: bigint, u2: bigint, point: AffinePoint): AffinePoint | null {
  if (u1 < 0n || u1 >= N || u2 < 0n || u2 >= N) throw new RangeError('scalars must lie in [0, n)');
  const sum = twoScalarMultiply(u1, u2, point);
  return sum[2] === 0n ? null : (toAffine([sum])[0] ?? null);
}

/**
 * SM2 verification (GB/T 32918.2 §7) of (r, s) over the digest e for the public key Q:
 * r, s ∈ [1, n−1], t = (r + s) mod n ≠ 0, (x1, y1) = s·G + t·Q ≠ O, and (e + x1) mod n = r.
 * Q is checked to lie on the curve (the curve has cofactor 1, so that is enough).
 */
export function sm2VerifyRaw(publicKey: AffinePoint, e: bigint, r: bigint, s: bigint): boolean {
  if (r < 1n || r >= N || s < 1n || s >= N) return false;
  if (!isOnCurve(publicKey)) return false;
  const t = (r + s) % N;
  if (t === 0n) return false;
  const [x, , z] = twoScalarMultiply(s, t, publicKey);
  if (z === 0n) return false;
  // x1 = X/Z² must be ≡ r − e (mod n); since n < p < 2n, x1 is that residue or that residue + n.
  const z2 = (z * z) % P;
  for (let candidate = (((r - e) % N) + N) % N; candidate < P; candidate += N) {
    if ((candidate * z2) % P === x) return true;
  }
  return false;
}
