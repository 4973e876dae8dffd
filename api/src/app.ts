import fs from 'node:fs';
import path from 'node:path';
import express, { Router, type Express } from 'express';
import session from 'express-session';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { repoRoot, type AppConfig } from './config';
import type { Db } from './db/knex';
import type { EngineClient } from './engine/engine-client';
import { ApiRoutes } from './http/route';
import { apiNotFound, errorMiddleware } from './http/error-middleware';
import { csrfProtection } from './http/csrf';
import { rejectControlCharacters } from './http/control-characters';
import { jsonBody } from './http/json-body';
import { RateLimitStore, rateLimits, routeRateLimits, signInRules, smsRulesFor, uploadRules, type RateLimitRule } from './http/rate-limit';
import { AuthService } from './auth/auth.service';
import { authRoutes } from './auth/auth.routes';
import { PgSessionStore } from './auth/session-store';
import { SignedInUsers } from './auth/signed-in-users';
import { LoginCipher } from './auth/login-cipher';
import { SecondFactorService } from './auth/second-factor.service';
import type { SmsGateway } from './integrations/sms/sms-gateway';
import type { YwtbIdentity } from './integrations/ywtb/ywtb-identity';
import { YwtbAccounts } from './auth/ywtb-accounts';
import { ywtbRoutes } from './auth/ywtb.routes';
import { ExamService } from './modules/exams/exam.service';
import { examRoutes } from './modules/exams/exam.routes';
import { ExamSetupService } from './modules/exams/exam-setup.service';
import { GuideRepository } from './modules/guide/guide.repository';
import { GuideService } from './modules/guide/guide.service';
import { guideRoutes } from './modules/guide/guide.routes';
import { CERTIFICATE_UPLOAD_PATH, registrationRoutes } from './modules/registration/registration.routes';
import { mountPaymentCallback, paymentRoutes } from './modules/payments/payment.routes';
import { PaymentAdminRepository } from './modules/payments/payment-admin.repository';
import { PaymentAdminService } from './modules/payments/payment-admin.service';
import { PaymentReconciliationService } from './modules/payments/payment-reconciliation.service';
import { paymentAdminRoutes } from './modules/payments/payment-admin.routes';
import type { PaymentPlatform } from './integrations/payment/payment-platform';
import type { CourierDeps } from './integrations/courier/courier-setup';
import { deliveryRoutes, mountCourierCallback } from './modules/deliveries/delivery.routes';
import type { EReceiptPlatform } from './integrations/ereceipt/ereceipt-platform';
import { RegistrationFormRenderer } from './modules/registration/registration-form';
import { ReviewTaskService } from './modules/registration/review-task.service';
import { reviewTaskRoutes } from './modules/registration/review-task.routes';
import { taskActionRoutes } from './modules/tasks/task-actions.routes';
import { TaskActionService } from './modules/tasks/task-actions.service';
import { InboxRepository } from './modules/tasks/inbox.repository';
import { TaskAttachmentRepository } from './modules/tasks/task-attachment.repository';
import { TaskAttachmentService } from './modules/tasks/task-attachments.service';
import { TASK_ATTACHMENT_UPLOAD_PATH, taskAttachmentRoutes } from './modules/tasks/task-attachments.routes';
import { TaskUrgeService } from './modules/tasks/task-urge.service';
import { StaffNoticeService } from './modules/notifications/staff-notice.service';
import { mountReviewAssignment } from './modules/registration/review-assignment.routes';
import { CaseRepository } from './modules/cases/case.repository';
import { CaseService } from './modules/cases/case.service';
import { OperationsService } from './modules/cases/operations.service';
import { caseRoutes } from './modules/cases/case.routes';
import { ProcessDeploymentService } from './modules/processes/process-deployment.service';
import { processRoutes } from './modules/processes/process.routes';
import { ProcessDesignerService } from './modules/processes/process-designer.service';
import { ProcessDesignerRepository } from './modules/processes/process-designer.repository';
import { storedFormsModelChecker } from './modules/task-forms/stored-forms-model-checker';
import { DecisionDesignerService } from './modules/processes/decision-designer.service';
import { decisionRoutes } from './modules/processes/decision.routes';
import { ProcessMigrationService } from './modules/processes/process-migration.service';
import { processMigrationRoutes } from './modules/processes/process-migration.routes';
import { TaskFormRepository } from './modules/task-forms/task-form.repository';
import { TaskFormService } from './modules/task-forms/task-form.service';
import { taskFormRoutes } from './modules/task-forms/task-form.routes';
import { auditRoutes } from './modules/audit/audit.routes';
import { signatureRoutes } from './modules/signatures/signature.routes';
import { HealthService } from './modules/health/health.service';
import { healthRoutes } from './modules/health/health.routes';
import { PhotoRepository } from './modules/photos/photo.repository';
import { PhotoService } from './modules/photos/photo.service';
import { PHOTO_UPLOAD_PATH, photoRoutes } from './modules/photos/photo.routes';
import { PhoneBindingService } from './modules/phone/phone-binding.service';
import { phoneOfRequest, phoneRoutes } from './modules/phone/phone.routes';
import { RegistrationAdminRepository } from './modules/registration-admin/registration-admin.repository';
import { RegistrationAdminService } from './modules/registration-admin/registration-admin.service';
import { registrationAdminRoutes } from './modules/registration-admin/registration-admin.routes';
import { TemplateRepository } from './modules/templates/template.repository';
import { TemplateService } from './modules/templates/template.service';
import { CommitmentLetterService } from './modules/templates/commitment-letter.service';
import { templateRoutes } from './modules/templates/template.routes';
import { MessageTemplateRepository } from './modules/notifications/message-template.repository';
import { MessageTemplateService } from './modules/notifications/message-template.service';
import { MessageRepository } from './modules/notifications/message.repository';
import { MessageCentreService } from './modules/notifications/message-centre.service';
import { notificationRoutes } from './modules/notifications/notification.routes';
import type { DocumentService } from './documents/document.service';
import type { SecurityServices } from './security/security-services';
import { composeServices } from './composition';
import type { CaseType } from './modules/cases/case-type';

export interface AppDeps {
  config: Pick<AppConfig, 'sessionSecret' | 'sessionIdleMinutes'> & { databaseUrl: string; secureCookies?: boolean; paymentQueryCycle?: string };
  db: Db;
  engine: EngineClient;
  documents: DocumentService;
  security: SecurityServices;
  log: Logger;
  /** The SMS platform (or its sandbox); without it, accounts with the SMS second factor cannot sign in. */
  sms?: SmsGateway;
  /** The 一网通办 identity service (or its sandbox); without it, 一网通办 sign-in answers "unavailable". */
  ywtb?: { identity: YwtbIdentity; redirectUri?: string };
  /** Built console to serve; omitted in API-only tests. */
  webDist?: string;
  /** The public payment platform and the fiscal e-receipt platform (or their sandboxes); without them, paying is unavailable. */
  payment?: { platform: PaymentPlatform; receipts: EReceiptPlatform | null; notifyUrl: string; publicBaseUrl: string };
  /** The 一网通办 express module (or its sandbox); without it, courier delivery is unavailable (G6). */
  courier?: CourierDeps;
  /** Case types beyond the product's own (a test's fixture flow). */
  extraCaseTypes?: readonly CaseType[];
}

export interface BpmApp {
  app: Express;
  /** Every declared API route with its access rule (for the route-guard test and the OpenAPI document). */
  routes: ApiRoutes;
  /** Ends what the application holds beyond the caller's database (the session store's pool and prune timer). */
  close(): Promise<void>;
}

export const defaultWebDist = path.join(repoRoot, 'web', 'dist');

/** Builds the Express application; it listens nowhere, so supertest and the server both use it. */
export function createApp(deps: AppDeps): BpmApp {
  const { db, engine, log } = deps;
  const services = composeServices({
    db,
    engine,
    security: deps.security,
    log,
    paymentQueryCycle: deps.config.paymentQueryCycle,
    payment: deps.payment,
    courier: deps.courier,
    extraCaseTypes: deps.extraCaseTypes,
  });
  const { users, scope, registrations, payments, deliveries, caseTypes, integrityAlarm } = services;
  const registrationRepo = services.registrationRows;
  const auth = new AuthService(users, (username, rows) => integrityAlarm('integrity.access-control', 'user', username, { rows }));
  const exams = new ExamService(db);
  // One store for every limiter: each prunes only windows older than the longest registered one.
  const limitStore = new RateLimitStore(db, deps.config.sessionSecret);
  const guides = new GuideRepository(db);

  const signedIn = new SignedInUsers(auth, scope);
  const routes = new ApiRoutes(
    async (req) => (req.session.userId ? signedIn.load(req.session.userId) : null),
    (entry) => deps.security.audit.append(entry),
    (cipherHex) => deps.security.sm2.decryptFromBrowser('transport', cipherHex),
  );
  authRoutes(routes, auth, new LoginCipher(db, deps.security.sm2), new SecondFactorService(db, deps.security, deps.sms, log));
  ywtbRoutes(routes, {
    identity: deps.ywtb?.identity,
    accounts: new YwtbAccounts(db, deps.security),
    auth,
    secret: deps.config.sessionSecret,
    secureCookies: deps.config.secureCookies ?? false,
    ...(deps.ywtb?.redirectUri ? { redirectUri: deps.ywtb.redirectUri } : {}),
    audit: (entry) => deps.security.audit.append(entry),
    log,
  });
  healthRoutes(routes, new HealthService(db, engine));
  examRoutes(routes, new ExamSetupService(db));
  guideRoutes(routes, new GuideService(exams, guides, deps.documents));
  registrationRoutes(routes, registrations, new RegistrationFormRenderer(deps.documents, registrationRepo, db), db);
  if (payments) paymentRoutes(routes, payments, registrations);
  if (deps.payment && payments) {
    const paymentAdmin = new PaymentAdminRepository(db);
    paymentAdminRoutes(
      routes,
      new PaymentAdminService(db, paymentAdmin, registrationRepo, payments, deps.security),
      new PaymentReconciliationService(paymentAdmin, payments, deps.payment.platform),
    );
  }
  const inbox = new InboxRepository(db);
  const staffNotices = new StaffNoticeService(new MessageTemplateRepository(db), new MessageRepository(db));
  const taskActions = new TaskActionService(engine, caseTypes, scope, inbox, users, new TaskUrgeService(db, engine, inbox, scope, users, staffNotices));
  taskActionRoutes(routes, taskActions);
  const reviewTasks = new ReviewTaskService(engine, taskActions);
  reviewTaskRoutes(routes, reviewTasks);
  const taskAttachmentRepo = new TaskAttachmentRepository(db);
  const taskAttachments = new TaskAttachmentService(engine, taskAttachmentRepo, scope, caseTypes);
  taskAttachmentRoutes(routes, taskAttachments);
  mountReviewAssignment(routes, { db, engine, security: deps.security, registrations: registrationRepo, scope, tasks: reviewTasks });
  caseRoutes(routes, new CaseService(engine, caseTypes, new CaseRepository(db), taskAttachments), new OperationsService(engine));
  const taskForms = new TaskFormRepository(db);
  // The contract check accepts `form:<key>` for the forms designed in the console (U3).
  const modelChecker = storedFormsModelChecker(db);
  processRoutes(routes, new ProcessDeploymentService(engine, modelChecker), new ProcessDesignerService(engine, new ProcessDesignerRepository(db), modelChecker));
  processMigrationRoutes(routes, new ProcessMigrationService(engine));
  decisionRoutes(routes, new DecisionDesignerService(engine));
  taskFormRoutes(routes, new TaskFormService(engine, taskForms, scope, taskActions, taskAttachments));
  auditRoutes(routes, deps.security.audit);
  signatureRoutes(routes, deps.security.sm2);
  photoRoutes(routes, new PhotoService(new PhotoRepository(db)));
  registrationAdminRoutes(routes, new RegistrationAdminService(db, new RegistrationAdminRepository(db), registrationRepo, exams, scope, deps.security));
  templateRoutes(routes, new TemplateService(new TemplateRepository(db), deps.documents), new CommitmentLetterService(deps.documents, exams));
  notificationRoutes(routes, new MessageTemplateService(new MessageTemplateRepository(db)), new MessageCentreService(new MessageRepository(db)));
  deliveryRoutes(routes, deliveries);
  // SMS limits per phone and per address; the phone arrives SM2-encrypted, so the route applies them once decrypted.
  phoneRoutes(routes, new PhoneBindingService(db, deps.security, deps.sms, log), routeRateLimits(limitStore, smsRulesFor(phoneOfRequest)));
  routes.define(
    { method: 'get', path: '/openapi.json', summary: 'OpenAPI 接口描述', tag: 'system', access: { public: true } },
    async () => routes.openApiDocument(),
  );

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          // element-plus positions popups with inline style attributes.
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          fontSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          upgradeInsecureRequests: null,
        },
      },
    }),
  );

  // Signed by the platform and sent without session or CSRF token: before those middlewares, on its raw body.
  if (deps.payment && payments) mountPaymentCallback(app, deps.payment.platform, payments, log);
  if (deps.courier) mountCourierCallback(app, deps.courier.platform, deliveries, (entry) => deps.security.audit.append(entry), log);

  const secureCookies = deps.config.secureCookies ?? false;
  // CSRF first: a forged request is refused before its body is parsed or its session is loaded.
  app.use('/api', csrfProtection({ secret: deps.config.sessionSecret, secure: secureCookies }), jsonBody(), rejectControlCharacters);
  // Needs the parsed body (per-username limit); counts only failed sign-ins.
  app.use('/api/auth/login', rateLimits(limitStore, signInRules));
  // Uploads (uploadRules key on the signed-in user, so these run after the session is loaded).
  const uploadLimits = Router();
  const postOnly = (rules: readonly RateLimitRule[]) => rules.map((rule) => ({ ...rule, key: (req: express.Request) => (req.method === 'POST' ? rule.key(req) : undefined) }));
  for (const uploadPath of [PHOTO_UPLOAD_PATH, CERTIFICATE_UPLOAD_PATH, TASK_ATTACHMENT_UPLOAD_PATH]) uploadLimits.use(uploadPath, rateLimits(limitStore, postOnly(uploadRules)));
  const sessionStore = new PgSessionStore({ conString: deps.config.databaseUrl, tableName: 'user_sessions', createTableIfMissing: false, pruneSessionInterval: 600 });
  app.use(
    '/api',
    session({
      name: 'bpm.sid',
      store: sessionStore,
      secret: deps.config.sessionSecret,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: { httpOnly: true, sameSite: 'strict', secure: secureCookies, maxAge: deps.config.sessionIdleMinutes * 60_000 },
    }),
    uploadLimits,
    routes.router,
    apiNotFound,
  );

  if (deps.webDist && fs.existsSync(path.join(deps.webDist, 'index.html'))) {
    const index = path.join(deps.webDist, 'index.html');
    app.use(express.static(deps.webDist, { index: false, maxAge: '1h' }));
    app.get(/^(?!\/api\/).*/, (_req, res) => res.sendFile(index));
  }
  app.use(errorMiddleware(log));
  return {
    app,
    routes,
    close: async () => {
      await sessionStore.close();
    },
  };
}
