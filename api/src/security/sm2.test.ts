// First: sm2.ts must load sm-crypto (and seed jsbn) before this file's own import of sm-crypto.
import { parseDerSignature, publicKeyFromPem, publicKeyToPem, sm2Digest, Sm2Service, type TokenPayload } from './sm2';
import crypto from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import smCrypto from 'sm-crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { CryptoIntegrityError, TokenError, type TokenErrorReason } from './security.errors';
import { type AffinePoint, isOnCurve, linearCombination, SM2_G, SM2_P, sm2VerifyRaw } from './sm2-curve';
import { generateSm2KeyPair, scalarHex, SM2_N, type Sm2KeyPair } from './sm2-keys';
import { tempKeyring } from './test-support';

const { keyring, cleanup } = tempKeyring();
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bpm-sm2-'));
afterAll(() => {
  cleanup();
  fs.rmSync(work, { recursive: true, force: true });
});
const sm2 = new Sm2Service(keyring);

const opensslVersion = spawnSync('openssl', ['version'], { encoding: 'utf8' });
const hasOpenssl = opensslVersion.status === 0 && /^OpenSSL 3\./.test(opensslVersion.stdout);
const opensslNote = hasOpenssl ? '' : ' (skipped: OpenSSL 3 is not on PATH)';

function openssl(args: string[]): { ok: boolean; output: string } {
  const run = spawnSync('openssl', args, { encoding: 'utf8' });
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}

function write(name: string, content: string | Buffer): string {
  const file = path.join(work, name);
  fs.writeFileSync(file, content);
  return file;
}

describe('Sm2Service signatures', () => {
  it(`S2 e-seal: an SM2-SM3 DER signature verifies with OpenSSL 3 from the PEM public key${opensslNote}`, { skip: !hasOpenssl }, () => {
    const pem = write('seal-rsj.pem', sm2.publicKeyPem('seal-rsj'));
    expect(openssl(['pkey', '-pubin', '-in', pem, '-noout', '-text']).output).toMatch(/ASN1 OID: SM2/);
    const document = write('certificate.pdf', crypto.randomBytes(200_000));
    const other = write('other.pdf', crypto.randomBytes(1000));
    // Several signatures: DER lengths vary with the high bits of r and s.
    for (let i = 0; i < 6; i += 1) {
      const signature = write(`certificate-${i}.sig`, Buffer.from(sm2.sign('seal-rsj', fs.readFileSync(document)), 'hex'));
      const verify = (data: string, extra: string[] = []) =>
        openssl(['pkeyutl', '-verify', '-pubin', '-inkey', pem, '-rawin', '-digest', 'sm3', '-pkeyopt', 'distid:1234567812345678', '-in', data, '-sigfile', signature, ...extra]);
      expect(verify(document).output).toContain('Signature Verified Successfully');
      expect(verify(other).ok).toBe(false);
      expect(openssl(['dgst', '-sm3', '-verify', pem, '-sigopt', 'distid:1234567812345678', '-signature', signature, document]).output).toContain('Verified OK');
    }
  });

  it(`S2 verifies what OpenSSL signs with an SM2 key, reading OpenSSL's PEM${opensslNote}`, { skip: !hasOpenssl }, () => {
    const key = path.join(work, 'openssl-key.pem');
    execFileSync('openssl', ['genpkey', '-algorithm', 'SM2', '-out', key]);
    const publicKey = publicKeyFromPem(execFileSync('openssl', ['pkey', '-in', key, '-pubout'], { encoding: 'utf8' }));
    const data = write('callback.json', '{"orderNo":"P2026112800001","amount":"120.00"}');
    const sigFile = path.join(work, 'callback.sig');
    execFileSync('openssl', ['pkeyutl', '-sign', '-inkey', key, '-rawin', '-digest', 'sm3', '-pkeyopt', 'distid:1234567812345678', '-in', data, '-out', sigFile]);
    const signature = fs.readFileSync(sigFile).toString('hex');
    expect(sm2.verify(publicKey, fs.readFileSync(data), signature)).toBe(true);
    expect(sm2.verify(publicKey, '{"orderNo":"P2026112800001","amount":"1.00"}', signature)).toBe(false);
  });

  it('S2 signs with the default signer ID, as sm-crypto computes it (Z digest cross-check)', () => {
    const { publicKey } = keyring.sm2KeyPair('seal-yjj');
    const signature = sm2.sign('seal-yjj', '注册证书 No.2026-0001');
    expect(smCrypto.sm2.doVerifySignature('注册证书 No.2026-0001', signature, publicKey, { der: true, hash: true })).toBe(true);
    const byLibrary = smCrypto.sm2.doSignature('注册证书 No.2026-0001', keyring.sm2KeyPair('seal-yjj').privateKey, { der: true, hash: true, publicKey });
    expect(sm2.verify(publicKey, '注册证书 No.2026-0001', byLibrary)).toBe(true);
    expect(sm2Digest(publicKey, 'x', '1234567812345678').equals(sm2Digest(publicKey, 'x', 'ALICE123@YAHOO.COM'))).toBe(false);
  });

  it('S2 signatures are randomised and bound to key and data', () => {
    const pub = sm2.publicKeyHex('seal-ksy');
    const a = sm2.sign('seal-ksy', 'doc');
    const b = sm2.sign('seal-ksy', 'doc');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^30[0-9a-f]+$/);
    expect(sm2.verify(pub, 'doc', a)).toBe(true);
    expect(sm2.verify(pub, Buffer.from('doc'), b)).toBe(true);
    expect(sm2.verify(pub, 'doc.', a)).toBe(false);
    expect(sm2.verify(sm2.publicKeyHex('seal-rsj'), 'doc', a)).toBe(false);
    expect(sm2.verify(pub, 'doc', 'zz')).toBe(false);
    expect(sm2.verify(pub, 'doc', `${a}00`)).toBe(false);
    expect(() => sm2.verify('04abcd', 'doc', a)).toThrow(TypeError);
  });

  it('S2 parses DER signatures strictly', () => {
    const der = Buffer.from(sm2.sign('seal-ksy', 'doc'), 'hex');
    expect(parseDerSignature(der)).not.toBeNull();
    const int = (hex: string) => `02${(hex.length / 2).toString(16).padStart(2, '0')}${hex}`;
    const seq = (body: string) => Buffer.from(`30${(body.length / 2).toString(16).padStart(2, '0')}${body}`, 'hex');
    const one = '01';
    expect(parseDerSignature(seq(int(one) + int(one)))).toEqual({ r: 1n, s: 1n });
    expect(parseDerSignature(seq(int('00') + int(one)))).toBeNull(); // r = 0
    expect(parseDerSignature(seq(int('80') + int(one)))).toBeNull(); // negative
    expect(parseDerSignature(seq(int('0001') + int(one)))).toBeNull(); // not minimal
    expect(parseDerSignature(seq(int('fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123'.replace(/^/, '00')) + int(one)))).toBeNull(); // r = n
    expect(parseDerSignature(Buffer.concat([seq(int(one) + int(one)), Buffer.from([0])]))).toBeNull(); // trailing byte
    expect(parseDerSignature(Buffer.from(`3081${der.subarray(1).toString('hex')}`, 'hex'))).toBeNull(); // long-form length
  });

  it('S2 PEM round trip with the SM2 curve OID', () => {
    const hex = sm2.publicKeyHex('seal-platform');
    const pem = publicKeyToPem(hex);
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+\n-----END PUBLIC KEY-----\n$/);
    expect(publicKeyFromPem(pem)).toBe(hex);
    expect(() => publicKeyFromPem(crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }) as string)).toThrow(TypeError);
  });
});

describe('Sm2Service transport encryption', () => {
  const transportKey = () => sm2.publicKeyHex('transport');

  it('S2 decrypts what a browser encrypts with sm-crypto (C1C3C2), with or without the 04 prefix', () => {
    const fromBrowser = smCrypto.sm2.doEncrypt('Demo@2026 密码', transportKey(), 1);
    expect(sm2.decryptFromBrowser('transport', fromBrowser)).toBe('Demo@2026 密码');
    expect(sm2.decryptFromBrowser('transport', `04${fromBrowser}`)).toBe('Demo@2026 密码');
    expect(sm2.decryptFromBrowser('transport', sm2.encryptForBrowser(transportKey(), '31010119900101123X'))).toBe('31010119900101123X');
    expect(smCrypto.sm2.doDecrypt(sm2.encryptForBrowser(transportKey(), 'ok'), keyring.sm2KeyPair('transport').privateKey, 1)).toBe('ok');
  });

  it('S2 refuses altered, foreign, off-curve and malformed ciphertexts with a typed error', () => {
    const cipher = sm2.encryptForBrowser(transportKey(), 'Demo@2026');
    const reason = (hex: string): string => {
      try {
        sm2.decryptFromBrowser('transport', hex);
        return 'decrypted';
      } catch (error) {
        if (error instanceof CryptoIntegrityError) return error.reason;
        throw error;
      }
    };
    const flipAt = (i: number) => `${cipher.slice(0, i)}${cipher[i] === '0' ? '1' : '0'}${cipher.slice(i + 1)}`;
    expect(reason(flipAt(cipher.length - 1))).toBe('tag-mismatch'); // C2
    expect(reason(flipAt(150))).toBe('tag-mismatch'); // C3
    expect(reason(flipAt(10))).toBe('malformed'); // C1 leaves the curve
    expect(reason(sm2.encryptForBrowser(sm2.publicKeyHex('seal-rsj'), 'Demo@2026'))).toBe('tag-mismatch');
    expect(reason('')).toBe('malformed');
    expect(reason('xyz')).toBe('malformed');
    expect(reason(cipher.slice(0, 190))).toBe('malformed');
  });
});

describe('Sm2Service signed tokens', () => {
  const now = new Date('2026-11-28T02:00:00Z');
  const t = Math.floor(now.getTime() / 1000);
  const expect_ = { issuer: 'https://ywtb.sh.gov.cn', audience: 'bpm-safety-engineer', now };
  const payload: TokenPayload = { iss: expect_.issuer, aud: expect_.audience, sub: 'U123', exp: t + 300, nbf: t - 10, iat: t - 10, name: '张三' };
  const issuerKey = () => sm2.publicKeyHex('seal-platform');

  function reason(token: string, overrides: Partial<typeof expect_> = {}): TokenErrorReason | 'valid' {
    try {
      sm2.verifySignedToken(token, issuerKey(), { ...expect_, ...overrides });
      return 'valid';
    } catch (error) {
      if (error instanceof TokenError) return error.reason;
      throw error;
    }
  }

  it('S2 signs header.payload.DER-signature in base64url and verifies it back', () => {
    const token = sm2.signToken('seal-platform', payload);
    const [header, body, signature] = token.split('.');
    expect(JSON.parse(Buffer.from(header ?? '', 'base64url').toString())).toEqual({ alg: 'SM2SM3', typ: 'JWT' });
    expect(JSON.parse(Buffer.from(body ?? '', 'base64url').toString())).toEqual(payload);
    expect(parseDerSignature(Buffer.from(signature ?? '', 'base64url'))).not.toBeNull();
    expect(sm2.verifySignedToken(token, issuerKey(), expect_)).toEqual(payload);
    expect(sm2.verifySignedToken(sm2.signToken('seal-platform', { ...payload, aud: ['other', expect_.audience] }), issuerKey(), expect_).sub).toBe('U123');
  });

  it('S2 refuses a bad signature: another key, or a payload swapped under a valid signature', () => {
    expect(reason(sm2.signToken('seal-rsj', payload))).toBe('bad-signature');
    const [header, , signature] = sm2.signToken('seal-platform', payload).split('.');
    const forged = Buffer.from(JSON.stringify({ ...payload, sub: 'U999' })).toString('base64url');
    expect(reason(`${header}.${forged}.${signature}`)).toBe('bad-signature');
  });

  it('S2 refuses a wrong issuer or audience', () => {
    expect(reason(sm2.signToken('seal-platform', payload), { issuer: 'https://other' })).toBe('wrong-issuer');
    expect(reason(sm2.signToken('seal-platform', { ...payload, aud: 'another-app' }))).toBe('wrong-audience');
    expect(reason(sm2.signToken('seal-platform', { ...payload, aud: [] }))).toBe('wrong-audience');
  });

  it('S2 refuses expired and not-yet-valid tokens, allowing 60 s of clock skew', () => {
    expect(reason(sm2.signToken('seal-platform', { ...payload, exp: t - 61 }))).toBe('expired');
    expect(reason(sm2.signToken('seal-platform', { ...payload, exp: t - 59 }))).toBe('valid');
    expect(reason(sm2.signToken('seal-platform', { ...payload, nbf: t + 61 }))).toBe('not-yet-valid');
    expect(reason(sm2.signToken('seal-platform', { ...payload, nbf: t + 59 }))).toBe('valid');
    expect(reason(sm2.signToken('seal-platform', { ...payload, iat: t + 3600 }))).toBe('not-yet-valid');
  });

  it('S2 refuses malformed tokens and other algorithms', () => {
    const token = sm2.signToken('seal-platform', payload);
    const [header, body, signature] = token.split('.') as [string, string, string];
    const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
    expect(reason('')).toBe('malformed');
    expect(reason(`${header}.${body}`)).toBe('malformed');
    expect(reason(`${token}.x`)).toBe('malformed');
    expect(reason(`${header}.${body}.`)).toBe('malformed');
    expect(reason(`${header}.${body}.${signature}=`)).toBe('malformed');
    const signed = (h: string, p: string) => `${h}.${p}.${Buffer.from(sm2.sign('seal-platform', `${h}.${p}`), 'hex').toString('base64url')}`;
    expect(reason(`${header}.${b64('not json')}.${signature}`)).toBe('bad-signature'); // the signature is checked before the payload is read
    expect(reason(signed(header, b64('not json')))).toBe('malformed');
    expect(reason(signed(header, b64([1, 2])))).toBe('malformed');
    expect(reason(`${header}.${body}.${b64('not a DER signature')}`)).toBe('malformed');
    expect(reason(`${b64({ alg: 'none', typ: 'JWT' })}.${body}.${signature}`)).toBe('unsupported-alg');
    expect(reason(`${b64({ alg: 'ES256', typ: 'JWT' })}.${body}.${signature}`)).toBe('unsupported-alg');
    expect(reason(`${token}${'A'.repeat(9000)}`)).toBe('malformed');
    const { exp: _exp, ...withoutExp } = payload;
    expect(reason(sm2.signToken('seal-platform', withoutExp as TokenPayload))).toBe('missing-claim');
    expect(reason(sm2.signToken('seal-platform', { ...payload, exp: '2026' as unknown as number }))).toBe('malformed');
  });
});

describe('sm-crypto loading', () => {
  it('S2 leaves no window global behind after seeding jsbn from the CSPRNG', () => {
    expect('window' in globalThis).toBe(false);
    expect((globalThis as unknown as Record<symbol, unknown>)[Symbol.for('bpm.security.jsbn-csprng-seeded')]).toBe(true);
  });
});

// The verification of sm2.ts before sm2-curve: parse strictly, then sm-crypto's point arithmetic.
function legacyVerifyDigest(publicKeyHex: string, digest: Buffer, r: bigint, s: bigint): boolean {
  try {
    return smCrypto.sm2.doVerifySignature([...digest], scalarHex(r) + scalarHex(s), publicKeyHex, { der: false, hash: false });
  } catch {
    return false;
  }
}

function legacyVerify(publicKeyHex: string, data: Buffer | string, signatureDerHex: string): boolean {
  const signature = /^(?:[0-9a-fA-F]{2})+$/.test(signatureDerHex) ? parseDerSignature(Buffer.from(signatureDerHex, 'hex')) : null;
  return signature !== null && legacyVerifyDigest(publicKeyHex, sm2Digest(publicKeyHex, data), signature.r, signature.s);
}

/** DER of (r, s) for any non-negative r and s, in range or not. */
function derOf(r: bigint, s: bigint): string {
  const int = (v: bigint) => {
    let hex = v.toString(16);
    if (hex.length % 2) hex = `0${hex}`;
    if (parseInt(hex.slice(0, 2), 16) & 0x80) hex = `00${hex}`;
    return `02${(hex.length / 2).toString(16).padStart(2, '0')}${hex}`;
  };
  const body = int(r) + int(s);
  return `30${(body.length / 2).toString(16).padStart(2, '0')}${body}`;
}

const pointOf = (publicKeyHex: string): AffinePoint => ({ x: BigInt(`0x${publicKeyHex.slice(2, 66)}`), y: BigInt(`0x${publicKeyHex.slice(66)}`) });
const hexOf = (point: AffinePoint): string => `04${scalarHex(point.x)}${scalarHex(point.y)}`;
const randomScalar = (): bigint => (BigInt(`0x${crypto.randomBytes(40).toString('hex')}`) % (SM2_N - 1n)) + 1n;
const mod = (a: bigint, m: bigint): bigint => ((a % m) + m) % m;
const randomInt = (max: number): number => crypto.randomInt(max);

function powMod(base: bigint, exponent: bigint, m: bigint): bigint {
  let result = 1n;
  for (let b = base % m, e = exponent; e > 0n; e >>= 1n, b = (b * b) % m) if (e & 1n) result = (result * b) % m;
  return result;
}

/** k·G as OpenSSL computes it. */
function opensslTimesG(k: bigint): string {
  const ecdh = crypto.createECDH('SM2');
  ecdh.setPrivateKey(Buffer.from(scalarHex(k), 'hex'));
  return ecdh.getPublicKey('hex', 'uncompressed');
}

describe('SM2 verification with native BigInt point arithmetic (sm2-curve)', () => {
  it('S2 k·G and k·P agree with OpenSSL for edge and random scalars', () => {
    const edges = [1n, 2n, 3n, 15n, 16n, 127n, 128n, 2n ** 128n, 2n ** 255n, SM2_N - 2n, SM2_N - 1n];
    for (const k of [...edges, ...Array.from({ length: 40 }, randomScalar)]) {
      const kG = linearCombination(k, 0n, SM2_G);
      expect(kG && hexOf(kG)).toBe(opensslTimesG(k));
      expect(kG && isOnCurve(kG)).toBe(true);
      const { publicKey } = generateSm2KeyPair();
      const kP = linearCombination(0n, k, pointOf(publicKey));
      const ecdh = crypto.createECDH('SM2');
      ecdh.setPrivateKey(Buffer.from(scalarHex(k), 'hex'));
      expect(kP && scalarHex(kP.x)).toBe(ecdh.computeSecret(Buffer.from(publicKey, 'hex')).toString('hex'));
      expect(kP && isOnCurve(kP)).toBe(true);
    }
    // u1·G + u2·G = (u1 + u2)·G, including u1 + u2 ≡ 0 (the point at infinity).
    for (let i = 0; i < 10; i += 1) {
      const [u1, u2] = [randomScalar(), randomScalar()];
      const sum = linearCombination(u1, u2, SM2_G);
      expect(sum && hexOf(sum)).toBe(opensslTimesG(mod(u1 + u2, SM2_N)));
      expect(linearCombination(u1, SM2_N - u1, SM2_G)).toBeNull();
    }
    expect(linearCombination(0n, 0n, SM2_G)).toBeNull();
    expect(() => linearCombination(SM2_N, 1n, SM2_G)).toThrow(RangeError);
  });

  it('S2 verification agrees with sm-crypto on 200 random keys and messages, valid and forged', { timeout: 180_000 }, () => {
    const pairs: Sm2KeyPair[] = Array.from({ length: 200 }, () => generateSm2KeyPair());
    const outcomes = { accepted: 0, refused: 0 };
    const check = (publicKey: string, data: Buffer | string, signature: string, expected: boolean, what: string) => {
      const now = sm2.verify(publicKey, data, signature);
      expect({ what, signature, agrees: now === legacyVerify(publicKey, data, signature) }).toEqual({ what, signature, agrees: true });
      expect({ what, signature, now }).toEqual({ what, signature, now: expected });
      outcomes[now ? 'accepted' : 'refused'] += 1;
    };
    pairs.forEach((pair, i) => {
      const signer = new Sm2Service({ sm2KeyPair: () => pair });
      const data = i % 3 === 0 ? `缴费回调 ${crypto.randomBytes(randomInt(60)).toString('hex')}` : crypto.randomBytes(randomInt(400));
      // Every tenth signature is sm-crypto's own (with its own nonce and Z computation).
      const signature =
        i % 10 === 0 && typeof data === 'string'
          ? smCrypto.sm2.doSignature(data, pair.privateKey, { der: true, hash: true, publicKey: pair.publicKey })
          : signer.sign('any', data);
      const { r, s } = parseDerSignature(Buffer.from(signature, 'hex')) ?? { r: 0n, s: 0n };
      check(pair.publicKey, data, signature, true, 'valid');
      // One forgery with full point arithmetic on both sides per key, in turn.
      const bit = 1n << BigInt(randomInt(256));
      const other = pairs[(i + 1) % pairs.length] as Sm2KeyPair;
      const forgeries: Array<[string, () => [string, Buffer | string, string]]> = [
        ['r with one bit flipped', () => [pair.publicKey, data, derOf(mod(r ^ bit, SM2_N) || 1n, s)]],
        ['s with one bit flipped', () => [pair.publicKey, data, derOf(r, mod(s ^ bit, SM2_N) || 1n)]],
        ['another key', () => [other.publicKey, data, signature]],
        ['other data', () => [pair.publicKey, Buffer.concat([bytes(data), Buffer.from([randomInt(256)])]), signature]],
        ['high s (n − s)', () => [pair.publicKey, data, derOf(r, SM2_N - s)]],
        ['r and s swapped', () => [pair.publicKey, data, derOf(s, r)]],
      ];
      const [what, forge] = forgeries[i % forgeries.length] as [string, () => [string, Buffer | string, string]];
      check(...forge(), false, what);
      // Refused before any point arithmetic: out of range, malformed DER.
      const der = Buffer.from(signature, 'hex');
      for (const [label, bad] of [
        ['r = 0', derOf(0n, s)],
        ['s = 0', derOf(r, 0n)],
        ['r = n', derOf(SM2_N, s)],
        ['s = n + s', derOf(r, SM2_N + s)],
        ['r + s = n', derOf(r, SM2_N - r)],
        ['truncated', signature.slice(0, signature.length - 2 * (1 + randomInt(8)))],
        ['trailing byte', `${signature}00`],
        ['wrong length byte', Buffer.concat([der.subarray(0, 1), Buffer.from([(der[1] ?? 0) + 1]), der.subarray(2)]).toString('hex')],
        ['random bytes', crypto.randomBytes(70).toString('hex')],
        ['not hex', signature.replace(/.$/, 'g')],
      ] as const) {
        check(pair.publicKey, data, bad, false, label);
      }
    });
    expect(outcomes.accepted).toBe(200);
  });

  it('S2 verifies a known OpenSSL 3 signature (SM2-SM3, default signer ID)', () => {
    const publicKey = publicKeyFromPem(
      '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAER06jrciA9JErK77DdmMpiYVBTaJs\nEoGr1IVmgLRZp76Kzospg+Nu42NEZ0GfwqWMTAiwIrBxoLIBgIm0AIizow==\n-----END PUBLIC KEY-----\n',
    );
    const callback = '{"orderNo":"P2026112800042","amount":"120.00","status":"PAID"}';
    const signature =
      '30450221008543bc4f63c72c2739aea55080b576ec08bd86bda076473ffb9f19a22c63ec8602203b109a0705d122da167e848473fc208fb1262e99b566c724e1bdde2499e0a83e';
    expect(sm2.verify(publicKey, callback, signature)).toBe(true);
    expect(legacyVerify(publicKey, callback, signature)).toBe(true);
    expect(sm2.verify(publicKey, callback.replace('120.00', '1.00'), signature)).toBe(false);
    expect(sm2.verify(publicKey, callback, signature.replace(/3e$/, '3f'))).toBe(false);
  });

  it('S2 verification at the edges: x1 ≥ n, e ≥ n, doubling inside the chain, and the point at infinity', () => {
    // A curve point X with n ≤ x < p (p ≡ 3 mod 4, so √a = a^((p+1)/4)).
    const b = 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n;
    let X: AffinePoint | undefined;
    for (let x = SM2_N + 1n; !X; x += 1n) {
      const rhs = mod(x ** 3n - 3n * x + b, SM2_P);
      const y = powMod(rhs, (SM2_P + 1n) / 4n, SM2_P);
      if ((y * y) % SM2_P === rhs) X = { x, y };
    }
    expect(isOnCurve(X)).toBe(true);
    // Q = t⁻¹·(X − s·G), so that s·G + t·Q = X for the signature (r, s) with t = r + s; r is chosen
    // so that e is small and e + n still fits the 256 bits of a digest.
    for (let i = 0; i < 3; i += 1) {
      const s = randomScalar();
      const e = BigInt(`0x${crypto.randomBytes(24).toString('hex')}`);
      const r = mod(X.x + e, SM2_N);
      const t = mod(r + s, SM2_N);
      const xMinusSG = linearCombination(SM2_N - s, 1n, X) as AffinePoint;
      const Q = linearCombination(0n, powMod(t, SM2_N - 2n, SM2_N), xMinusSG) as AffinePoint;
      expect(linearCombination(s, t, Q)).toEqual(X);
      expect(X.x - SM2_N).toBe(mod(r - e, SM2_N)); // x1 is the second candidate, r − e + n
      for (const digest of [e, e + SM2_N]) {
        expect(sm2VerifyRaw(Q, digest, r, s)).toBe(true);
        expect(legacyVerifyDigest(hexOf(Q), Buffer.from(scalarHex(digest), 'hex'), r, s)).toBe(true);
        expect(sm2VerifyRaw(Q, digest + 1n, r, s)).toBe(false);
      }
    }
    // Q = G (private key 1): s = 2^200 + 1 and t = 2^200 + 3 add G to G at bit 200 (the doubling case).
    const s = 2n ** 200n + 1n;
    const r = 2n;
    const expected = pointOf(opensslTimesG(2n * s + r));
    const e = mod(r - expected.x, SM2_N);
    expect(sm2VerifyRaw(SM2_G, e, r, s)).toBe(true);
    expect(legacyVerifyDigest(hexOf(SM2_G), Buffer.from(scalarHex(e), 'hex'), r, s)).toBe(true);
    // s·G + t·G = O when t = n − s: refused whatever e (sm-crypto throws there, which was refused too).
    const s2 = randomScalar();
    const r2 = mod(SM2_N - 2n * s2, SM2_N);
    for (const e2 of [0n, r2, randomScalar()]) {
      expect(sm2VerifyRaw(SM2_G, e2, r2, s2)).toBe(false);
      expect(legacyVerifyDigest(hexOf(SM2_G), Buffer.from(scalarHex(e2), 'hex'), r2, s2)).toBe(false);
    }
    // Out of range is refused by the arithmetic too, not only by the DER parser.
    expect(sm2VerifyRaw(SM2_G, e, 0n, s)).toBe(false);
    expect(sm2VerifyRaw(SM2_G, e, r, SM2_N)).toBe(false);
    expect(sm2VerifyRaw(SM2_G, e, SM2_N - s, s)).toBe(false); // t = 0
  });

  it('S2 verification refuses public keys that are not on the curve', () => {
    const pair = generateSm2KeyPair();
    const Q = pointOf(pair.publicKey);
    const offCurve = { x: Q.x, y: (Q.y + 1n) % SM2_P };
    expect(isOnCurve(Q)).toBe(true);
    expect(isOnCurve(offCurve)).toBe(false);
    expect(isOnCurve({ x: Q.x + SM2_P, y: Q.y })).toBe(false);
    expect(isOnCurve({ x: Q.x, y: SM2_P - Q.y })).toBe(true);
    // The formulas never use b: a "signature" built for the off-curve point would pass without the check.
    for (const [point, verifies] of [[Q, true], [offCurve, false]] as const) {
      const [s, t] = [randomScalar(), randomScalar()];
      const r = mod(t - s, SM2_N);
      const sum = linearCombination(s, t, point) as AffinePoint;
      expect(sm2VerifyRaw(point, mod(r - sum.x, SM2_N), r, s)).toBe(verifies);
    }
    const signature = new Sm2Service({ sm2KeyPair: () => pair }).sign('any', 'doc');
    expect(sm2.verify(pair.publicKey, 'doc', signature)).toBe(true);
    expect(() => sm2.verify(hexOf(offCurve), 'doc', signature)).toThrow(TypeError);
    expect(() => sm2.verifySignedToken('a.b.c', hexOf(offCurve), { issuer: 'i', audience: 'a' })).toThrow(TypeError);
  });
});

const bytes = (data: Buffer | string): Buffer => (typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
