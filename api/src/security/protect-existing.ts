import type { Db } from '../db/knex';
import { FieldCipher } from './field-cipher';
import { rolePermissionSeal, registrationSeal, userRoleSeal } from './security-specs';
import type { SecurityServices } from './security-services';

const UPGRADE = 'protect-existing-rows';

/**
 * Runs once, right after migration 20261128_09: encrypts and indexes the personal fields of the
 * registrations that existed before, and seals those rows and the access-control rows. Only rows
 * present at that moment are sealed; a row that turns up later without a seal is a finding of
 * `verify-integrity`, never sealed here.
 */
export async function protectExistingRows(db: Db, s: SecurityServices): Promise<void> {
  await db.transaction(async (trx) => {
    const marker = await trx('security_upgrades').where({ name: UPGRADE }).whereNull('done_at').forUpdate().first();
    if (!marker) return;
    const registrations: Array<Record<string, unknown> & { id: number; id_number: string; phone: string }> = await trx('registrations').select('*');
    for (const row of registrations) {
      const idNumber = FieldCipher.isToken(row.id_number) ? s.cipher.decrypt(row.id_number) : row.id_number;
      const updated = {
        ...row,
        id_number: FieldCipher.isToken(row.id_number) ? row.id_number : s.cipher.encrypt(row.id_number),
        phone: FieldCipher.isToken(row.phone) ? row.phone : s.cipher.encrypt(row.phone),
        id_number_idx: s.index('id-number', idNumber),
      };
      await trx('registrations')
        .where({ id: row.id })
        .update({ id_number: updated.id_number, phone: updated.phone, id_number_idx: updated.id_number_idx, row_mac: s.seal.seal('registrations', registrationSeal.fields(updated)) });
    }
    for (const spec of [userRoleSeal, rolePermissionSeal]) {
      const keys = spec.keyColumn as readonly string[];
      for (const row of (await trx(spec.table).whereNull('row_mac').select('*')) as Array<Record<string, unknown>>) {
        await trx(spec.table)
          .where(Object.fromEntries(keys.map((k) => [k, row[k]])))
          .update({ row_mac: s.seal.seal(spec.table, spec.fields(row)) });
      }
    }
    await trx('security_upgrades').where({ name: UPGRADE }).update({ done_at: trx.fn.now() });
  });
}
