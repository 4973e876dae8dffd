import type { Db } from '../db/knex';
import type { SecurityServices } from '../security/security-services';
import type { YwtbProfile } from '../integrations/ywtb/ywtb-identity';
import { UserRepository } from './user.repository';

/** The account name of a candidate who signs in through 一网通办 (the platform's subject, bounded). */
export function ywtbUsername(sub: string): string {
  return `ywtb:${sub}`.slice(0, 64);
}

/**
 * Candidate accounts behind 一网通办 sign-in. The first sign-in creates the account (role
 * `candidate`) with the identity the platform vouched for; later sign-ins find it by the platform's
 * subject and refresh name and phone. ID number and phone are stored SM4-encrypted, the ID number
 * with a blind index.
 */
export class YwtbAccounts {
  private readonly users: UserRepository;

  constructor(
    db: Db,
    private readonly security: SecurityServices,
  ) {
    this.users = new UserRepository(db, security);
  }

  async findOrCreate(profile: YwtbProfile): Promise<{ userId: number; created: boolean }> {
    const identity = {
      display_name: profile.name,
      id_number: this.security.cipher.encrypt(profile.idNumber),
      id_number_idx: this.security.index('id-number', profile.idNumber),
      phone: profile.phone === null ? null : this.security.cipher.encrypt(profile.phone),
    };
    const existing = await this.users.idByPlatformSubject(profile.sub);
    if (existing !== undefined) {
      await this.users.setPlatformIdentity(existing, identity);
      return { userId: existing, created: false };
    }
    const userId = await this.users.upsertUser({ username: ywtbUsername(profile.sub), displayName: profile.name, kind: 'candidate', passwordHash: null, bureau: null }, ['candidate']);
    await this.users.setPlatformIdentity(userId, identity, profile.sub);
    return { userId, created: true };
  }

  /** The identity held for an account (decrypted), or undefined when it has none from 一网通办. */
  async identity(userId: number): Promise<{ name: string; idNumber: string; phone: string | null } | undefined> {
    const row = await this.users.identity(userId);
    if (!row?.id_number) return undefined;
    return { name: row.display_name, idNumber: this.security.cipher.decrypt(row.id_number), phone: row.phone ? this.security.cipher.decrypt(row.phone) : null };
  }
}
