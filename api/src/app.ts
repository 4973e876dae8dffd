import fs from 'node:fs';
import path from 'node:path';
import express, { Router, type Express } from 'express';
import session from 'express-session';
import connectPgSimple from 'connect-pg-simple';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { repoRoot, type AppConfig } from './config';
import type { Db } from './db/knex';
import type { EngineClient } from './engine/engine-client';
import { ApiRoutes } from './http/route';
import { apiNotFound, errorMiddleware } from './http/error-middleware';
import { csrfProtection } from './http/csrf';
import { rejectControlCharacters } from './http/control-characters';
import { RateLimitStore, rateLimits, routeRateLimits, signInRules, smsRulesFor, uploadRules, type RateLimitRule } from './http/rate-limit';
import { UserRepository } from './auth/user.repository';
import { AuthService } from './auth/auth.service';
import { DataScope } from './auth/data-scope';
import { authRoutes } from './auth/auth.routes';
import { LoginCipher } from './auth/login-cipher';
import { SecondFactorService } from './auth/second-factor.service';
import type { SmsGateway } from './integrations/sms/sms-gateway';
import type { YwtbIdentity } from './integrations/ywtb/ywtb-identity';
import { YwtbAccounts } from './auth/ywtb-accounts';
import { ywtbRoutes } from './auth/ywtb.routes';
import { ExamRepository } from './modules/exams/exam.repository';
import { examRoutes } from './modules/exams/exam.routes';
import { GuideRepository } from './modules/guide/guide.repository';
import { GuideService } from './modules/guide/guide.service';
import { guideRoutes } from './modules/guide/guide.routes';
import { RegistrationRepository } from './modules/registration/registration.repository';
import { RegistrationService } from './modules/registration/registration.service';
import { registrationRoutes } from './modules/registration/registration.routes';
import { RegistrationFormRenderer } from './modules/registration/registration-form';
import { ReviewTaskService } from './modules/tasks/review-task.service';
import { reviewTaskRoutes } from './modules/tasks/review-task.routes';
import { ProcessDeploymentService } from './modules/processes/process-deployment.service';
import { processRoutes } from './modules/processes/process.routes';
import { auditRoutes } from './modules/audit/audit.routes';
import { signatureRoutes } from './modules/signatures/signature.routes';
import { HealthService } from './modules/health/health.service';
import { healthRoutes } from './modules/health/health.routes';
import { PhotoRepository } from './modules/photos/photo.repository';
import { PhotoService } from './modules/photos/photo.service';
import { PHOTO_UPLOAD_PATH, photoRoutes } from './modules/photos/photo.routes';
import { PhoneBindingService } from './modules/phone/phone-binding.service';
import { phoneOfRequest, phoneRoutes } from './modules/phone/phone.routes';
import type { DocumentService } from './documents/document.service';
import type { SecurityServices } from './security/security-services';

export interface AppDeps {
  config: Pick<AppConfig, 'sessionSecret' | 'sessionIdleMinutes'> & { databaseUrl: string; secureCookies?: boolean };
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
}

export interface BpmApp {
  app: Express;
  /** Every declared API route with its access rule (for the route-guard test and the OpenAPI document). */
  routes: ApiRoutes;
}

export const defaultWebDist = path.join(repoRoot, 'web', 'dist');

/** Builds the Express application; it listens nowhere, so supertest and the server both use it. */
export function createApp(deps: AppDeps): BpmApp {
  const { db, engine, log } = deps;
  /** A record or access-control row that fails its seal: operators see it in the log and the audit log. */
  const integrityAlarm = (action: string, objectType: string, objectId: string, detail?: Record<string, unknown>) => {
    log.error({ action, objectType, objectId }, 'integrity seal check failed');
    void deps.security.audit
      .append({ actor: 'system', action, objectType, objectId, result: 'failure', ...(detail ? { detail } : {}) })
      .catch((err: unknown) => log.error({ err }, 'audit append failed'));
  };
  const users = new UserRepository(db, deps.security);
  const auth = new AuthService(users, (username, rows) => integrityAlarm('integrity.access-control', 'user', username, { rows }));
  const exams = new ExamRepository(db);
  const registrationRepo = new RegistrationRepository(db, deps.security, (err) => integrityAlarm('integrity.record', err.table, String(err.key)));
  const scope = new DataScope(db);
  // One store for every limiter: each prunes only windows older than the longest registered one.
  const limitStore = new RateLimitStore(db, deps.config.sessionSecret);
  const guides = new GuideRepository(db);
  const registrations = new RegistrationService(db, registrationRepo, exams, engine, scope, guides);

  const routes = new ApiRoutes(
    async (req) => (req.session.userId ? auth.currentUser(req.session.userId) : null),
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
  examRoutes(routes, exams);
  guideRoutes(routes, new GuideService(exams, guides, deps.documents));
  registrationRoutes(routes, registrations, new RegistrationFormRenderer(deps.documents));
  reviewTaskRoutes(routes, new ReviewTaskService(engine, registrationRepo, scope));
  processRoutes(routes, new ProcessDeploymentService(engine));
  auditRoutes(routes, deps.security.audit);
  signatureRoutes(routes, deps.security.sm2);
  photoRoutes(routes, new PhotoService(new PhotoRepository(db)));
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

  const PgStore = connectPgSimple(session);
  const secureCookies = deps.config.secureCookies ?? false;
  // CSRF first: a forged request is refused before its body is parsed or its session is loaded.
  app.use('/api', csrfProtection({ secret: deps.config.sessionSecret, secure: secureCookies }), express.json({ limit: '100kb' }), rejectControlCharacters);
  // Needs the parsed body (per-username limit); counts only failed sign-ins.
  app.use('/api/auth/login', rateLimits(limitStore, signInRules));
  // Uploads (uploadRules key on the signed-in user, so these run after the session is loaded).
  const uploadLimits = Router();
  const postOnly = (rules: readonly RateLimitRule[]) => rules.map((rule) => ({ ...rule, key: (req: express.Request) => (req.method === 'POST' ? rule.key(req) : undefined) }));
  for (const uploadPath of [PHOTO_UPLOAD_PATH]) uploadLimits.use(uploadPath, rateLimits(limitStore, postOnly(uploadRules)));
  app.use(
    '/api',
    session({
      name: 'bpm.sid',
      store: new PgStore({ conString: deps.config.databaseUrl, tableName: 'user_sessions', createTableIfMissing: false, pruneSessionInterval: 600 }),
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
  return { app, routes };
}
