import type { Logger } from 'pino';
import type { AuditActionOf } from './contracts/audit-actions';
import type { Db } from './db/knex';
import type { EngineClient } from './engine/engine-client';
import type { SecurityServices } from './security/security-services';
import type { PaymentPlatform } from './integrations/payment/payment-platform';
import type { EReceiptPlatform } from './integrations/ereceipt/ereceipt-platform';
import type { CourierDeps } from './integrations/courier/courier-setup';
import { DataScope } from './auth/data-scope';
import { UserRepository } from './auth/user.repository';
import { CaseTypeRegistry, type CaseType } from './modules/cases/case-type';
import { GuideRepository } from './modules/guide/guide.repository';
import { RegistrationRepository } from './modules/registration/registration.repository';
import { RegistrationService } from './modules/registration/registration.service';
import { RegistrationCaseType } from './modules/registration/registration.case-type';
import { RegistrationPayable } from './modules/registration/registration.payable';
import { PaymentService } from './modules/payments/payment.service';
import { DeliveryService } from './modules/deliveries/delivery.service';
import { DeliveryRepository } from './modules/deliveries/delivery.repository';
import { DeliveryCaseType } from './modules/deliveries/delivery.case-type';
import { ExamService } from './modules/exams/exam.service';
import { NotifyService, type NotifyChannels } from './modules/notifications/notify.service';
import { RegistrationRecipients } from './modules/registration/registration.recipients';
import { registrationRecords, type RegistrationRecords } from './modules/registration/registration-records.service';

/** What every process (API, workers, `npm start`, tests, benchmarks) builds the domain services from. */
export interface CompositionDeps {
  db: Db;
  engine: EngineClient;
  security: SecurityServices;
  log: Logger;
  /** ISO 8601 repeating interval of the payment query (PAYMENT_QUERY_CYCLE); the flow's default when unset. */
  paymentQueryCycle?: string | undefined;
  /** The public payment and fiscal e-receipt platforms (or their sandboxes); without them, paying is unavailable. */
  payment?: { platform: PaymentPlatform; receipts: EReceiptPlatform | null; notifyUrl: string; publicBaseUrl: string } | undefined;
  /** The 一网通办 express module (or its sandbox); without it, courier delivery is unavailable (G6). */
  courier?: CourierDeps | undefined;
  /** 随申办 push and SMS for the `notify` step (G5); without them, no notify service. */
  notify?: NotifyChannels | undefined;
  /** Case types beyond the product's own (a test's fixture flow registers itself here). */
  extraCaseTypes?: readonly CaseType[] | undefined;
}

/** The domain services more than one entry point needs, each built once and wired the same way everywhere. */
export interface Services {
  users: UserRepository;
  scope: DataScope;
  registrationRows: RegistrationRepository;
  registrations: RegistrationService;
  payments: PaymentService | null;
  deliveries: DeliveryService;
  caseTypes: CaseTypeRegistry;
  notify: NotifyService | null;
  /** A record or access-control row that failed its seal: in the log and the audit log. */
  integrityAlarm(action: AuditActionOf<'audit'>, objectType: string, objectId: string, detail?: Record<string, unknown>): void;
}

/** The one place the product's modules are put together. A new flow module adds its case type here. */
export function composeServices(deps: CompositionDeps): Services {
  const { db, engine, security, log } = deps;
  const integrityAlarm = (action: AuditActionOf<'audit'>, objectType: string, objectId: string, detail?: Record<string, unknown>) => {
    log.error({ action, objectType, objectId }, 'integrity seal check failed');
    void security.audit
      .append({ actor: 'system', action, objectType, objectId, result: 'failure', ...(detail ? { detail } : {}) })
      .catch((err: unknown) => log.error({ err }, 'audit append failed'));
  };
  const users = new UserRepository(db, security);
  const scope = new DataScope(db);
  const registrationRows = new RegistrationRepository(db, security, (err) => integrityAlarm('integrity.record', err.table, String(err.key)));
  const registrations = new RegistrationService(db, security, engine, {
    registrations: registrationRows,
    guides: new GuideRepository(db),
    ...(deps.paymentQueryCycle ? { paymentQueryCycle: deps.paymentQueryCycle } : {}),
  });
  const payments = deps.payment ? new PaymentService(db, engine, deps.payment.platform, deps.payment.receipts, deps.payment, [new RegistrationPayable(db, registrationRows)]) : null;
  const registrationCases = new RegistrationCaseType(db, registrations, registrationRows, scope);
  const deliveries = new DeliveryService(db, security, engine, deps.courier, [registrationCases]);

  const caseTypes = new CaseTypeRegistry([
    registrationCases,
    new DeliveryCaseType(new DeliveryRepository(db, security.cipher), [registrationCases]),
    ...(deps.extraCaseTypes ?? []),
  ]);
  const notify = deps.notify ? composeNotify(db, security, deps.notify, registrationRows) : null;
  return { users, scope, registrationRows, registrations, payments, deliveries, caseTypes, notify, integrityAlarm };
}

/** The notify service with the recipients of every case type that sends messages (registrations so far). */
export function composeNotify(db: Db, security: SecurityServices, channels: NotifyChannels, registrationRows: RegistrationRecords = registrationRecords(db, security)): NotifyService {
  return new NotifyService(db, security, [new RegistrationRecipients(registrationRows, new ExamService(db))], channels);
}
