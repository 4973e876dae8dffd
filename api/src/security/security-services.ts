import type { Db } from '../db/knex';
import { AuditLog } from './audit-log';
import { blindIndex } from './blind-index';
import { FieldCipher } from './field-cipher';
import type { Keyring } from './keyring';
import { RecordSeal } from './record-integrity';
import { Sm2Service } from './sm2';

/** The cryptographic services the API and the workers share, built once from the keyring. */
export interface SecurityServices {
  keyring: Keyring;
  cipher: FieldCipher;
  seal: RecordSeal;
  sm2: Sm2Service;
  audit: AuditLog;
  /** Keyed SM3 index; `sms-code` hashes one-time codes (code + challenge id), never stored in clear. */
  index(kind: 'id-number' | 'phone' | 'sms-code', value: string): string;
}

export function createSecurityServices(db: Db, keyring: Keyring): SecurityServices {
  return {
    keyring,
    cipher: new FieldCipher(keyring),
    seal: new RecordSeal(keyring),
    sm2: new Sm2Service(keyring),
    audit: new AuditLog(db, keyring),
    index: (kind, value) => blindIndex(keyring, kind, value),
  };
}
