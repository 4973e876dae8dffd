import { blindIndex } from '../../api/src/security/blind-index';
import { FieldCipher } from '../../api/src/security/field-cipher';
import { RecordSeal, type SealFields } from '../../api/src/security/record-integrity';
import { parseDerSignature, sm2Digest, Sm2Service } from '../../api/src/security/sm2';
import { scalarHex } from '../../api/src/security/sm2-keys';
// After sm2, which seeds sm-crypto's jsbn from the CSPRNG.
import smCrypto from 'sm-crypto';
import { tempKeyring } from '../../api/src/security/test-support';

// Benchmark of field protection; run by `npm run bench`, never a timed test. Target: protecting one
// registration write (two fields encrypted and indexed, one seal) costs well under 5 ms.

export interface FieldCryptoBenchmarkResult {
  fields: number;
  /** Microseconds per field (per row for seal and verify). */
  usPerField: { encrypt: number; blindIndex: number; decrypt: number; seal: number; verifySeal: number };
  /** Finding one ID number by its blind index among all of them. */
  lookup: { buildMapMs: number; usPerLookup: number; found: boolean };
  /** One registration write: encrypt + index ID number and phone, seal the row. */
  registrationWriteUs: number;
  /**
   * SM2 e-seal signature (sm-crypto, k·G by OpenSSL) and verification (native BigInt, sm2-curve),
   * milliseconds each; `legacyVerifyMs` is sm-crypto's doVerifySignature on the same signatures,
   * as verification was done before. `verifyCallbackMs`: verifying a payment-callback-sized
   * message (100 runs), where hashing costs nothing and the point arithmetic is all.
   */
  sm2: { signMs: number; verifyMs: number; legacyVerifyMs: number; samples: number; verifyCallbackMs: number };
}

const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;

function timed<T>(run: () => T): { ms: number; value: T } {
  const started = performance.now();
  const value = run();
  return { ms: performance.now() - started, value };
}

export async function benchmarkFieldCrypto(options: { fields?: number; sm2Samples?: number } = {}): Promise<FieldCryptoBenchmarkResult> {
  const count = options.fields ?? 100_000;
  const sm2Samples = options.sm2Samples ?? 20;
  const { keyring, cleanup } = tempKeyring();
  try {
    const cipher = new FieldCipher(keyring);
    const seal = new RecordSeal(keyring);
    // Distinct 18-character values shaped like ID numbers (check characters do not matter here).
    const ids = Array.from({ length: count }, (_, i) => `31010119${String(i).padStart(9, '0')}X`);
    for (const id of ids.slice(0, 2000)) {
      cipher.decrypt(cipher.encrypt(id)); // warm-up
      blindIndex(keyring, 'id-number', id);
    }

    const encrypted = timed(() => ids.map((id) => cipher.encrypt(id)));
    const indexed = timed(() => ids.map((id) => blindIndex(keyring, 'id-number', id)));
    const decrypted = timed(() => encrypted.value.map((token) => cipher.decrypt(token)));
    if (decrypted.value.some((plain, i) => plain !== ids[i])) throw new Error('decryption did not give the plaintext back');

    const rows: SealFields[] = encrypted.value.map((token, i) => ({
      registration_no: `KS2026${String(i).padStart(6, '0')}`,
      exam_id: 1,
      id_number: token,
      phone: token,
      full_name: '张测试',
      status: 'submitted',
      safety_work_years: '3.0',
      education_major_related: true,
      submitted_at: new Date(1_795_000_000_000 + i),
    }));
    const sealed = timed(() => rows.map((row) => seal.seal('registrations', row)));
    const verified = timed(() => rows.map((row, i) => seal.verify('registrations', row, sealed.value[i])));
    if (verified.value.some((ok) => !ok)) throw new Error('a seal did not verify');

    const map = timed(() => new Map(indexed.value.map((index, i) => [index, i])));
    const probes = ids.filter((_, i) => i % 1000 === 7);
    const lookups = timed(() => probes.map((id) => map.value.get(blindIndex(keyring, 'id-number', id))));
    const found = lookups.value.every((position, i) => position !== undefined && ids[position] === probes[i]);

    const sm2 = new Sm2Service(keyring);
    const document = Buffer.alloc(200_000, 7);
    const signatures = timed(() => Array.from({ length: sm2Samples }, () => sm2.sign('seal-platform', document)));
    const publicKey = sm2.publicKeyHex('seal-platform');
    const callback = '{"orderNo":"P2026112800001","amount":"120.00","status":"PAID","paidAt":"2026-11-28T10:00:00+08:00"}';
    const callbackSignature = sm2.sign('seal-platform', callback);
    for (let i = 0; i < 30; i += 1) sm2.verify(publicKey, callback, callbackSignature); // warm-up (JIT)
    const verifications = timed(() => signatures.value.map((s) => sm2.verify(publicKey, document, s)));
    if (verifications.value.some((ok) => !ok)) throw new Error('an SM2 signature did not verify');
    const digest = [...sm2Digest(publicKey, document)];
    const legacySamples = signatures.value.slice(0, 5);
    const legacy = timed(() =>
      legacySamples.map((der) => {
        const { r, s } = parseDerSignature(Buffer.from(der, 'hex')) ?? { r: 0n, s: 0n };
        return smCrypto.sm2.doVerifySignature(digest, scalarHex(r) + scalarHex(s), publicKey, { der: false, hash: false });
      }),
    );
    if (legacy.value.some((ok) => !ok)) throw new Error('an SM2 signature did not verify with sm-crypto');
    const callbackRuns = 100;
    const callbacks = timed(() => Array.from({ length: callbackRuns }, () => sm2.verify(publicKey, callback, callbackSignature)));
    if (callbacks.value.some((ok) => !ok)) throw new Error('an SM2 callback signature did not verify');

    const us = (ms: number, n: number) => round((ms * 1000) / n);
    const usPerField = {
      encrypt: us(encrypted.ms, count),
      blindIndex: us(indexed.ms, count),
      decrypt: us(decrypted.ms, count),
      seal: us(sealed.ms, count),
      verifySeal: us(verified.ms, count),
    };
    return {
      fields: count,
      usPerField,
      lookup: { buildMapMs: round(map.ms), usPerLookup: us(lookups.ms, probes.length), found },
      registrationWriteUs: round(2 * (usPerField.encrypt + usPerField.blindIndex) + usPerField.seal),
      sm2: {
        signMs: round(signatures.ms / sm2Samples),
        verifyMs: round(verifications.ms / sm2Samples),
        legacyVerifyMs: round(legacy.ms / legacySamples.length),
        samples: sm2Samples,
        verifyCallbackMs: round(callbacks.ms / callbackRuns, 3),
      },
    };
  } finally {
    cleanup();
  }
}
