import type { Logger } from 'pino';
import type { DomainError } from '../http/errors';
import type { SmsGateway } from '../integrations/sms/sms-gateway';
import type { OneTimeCodeRepository } from './one-time-code.repository';

export interface StoredCodeDelivery {
  /** The table that holds the code. */
  codes: OneTimeCodeRepository;
  sms: SmsGateway;
  id: string;
  phone: string;
  templateCode: string;
  code: string;
  log?: Logger | undefined;
  logContext: Record<string, unknown>;
  failure: () => DomainError;
}

/**
 * Sends a code that was just stored. If nothing was delivered the row is withdrawn, so the user may
 * ask again at once; now and then, codes finished more than a day ago are pruned.
 */
export async function deliverStoredCode(d: StoredCodeDelivery): Promise<void> {
  try {
    await d.sms.send({ phone: d.phone, templateCode: d.templateCode, params: { code: d.code } });
  } catch (err) {
    d.log?.error({ err, ...d.logContext }, 'one-time code could not be sent');
    await d.codes.withdraw(d.id);
    throw d.failure();
  }
  if (Math.random() < 0.02) await d.codes.pruneFinished();
}
