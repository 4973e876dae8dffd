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
