import fs from 'node:fs';
import type { PaymentDeps } from './integrations/payment/payment-setup';
import type { CourierDeps } from './integrations/courier/courier-setup';
import http from 'node:http';
import type { Logger } from 'pino';
import type { AppConfig } from './config';
import { createApp, defaultWebDist } from './app';
import type { Db } from './db/knex';
import type { EngineClient } from './engine/engine-client';
import { PdfRenderer } from './documents/pdf-renderer';
import { DocumentService } from './documents/document.service';
import { publishedTemplateSource } from './modules/templates/published-template-source';
import type { SecurityServices } from './security/security-services';
import type { SmsGateway } from './integrations/sms/sms-gateway';
import type { YwtbIdentity } from './integrations/ywtb/ywtb-identity';

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

/** Serves the API and the console on `config.host:config.port`. */
export async function startApiServer(opts: { config: AppConfig; databaseUrl: string; db: Db; engine: EngineClient; security: SecurityServices; log: Logger; sms?: SmsGateway; ywtb?: YwtbIdentity; payment?: PaymentDeps; courier?: CourierDeps }): Promise<RunningApi> {
  const { config } = opts;
  if (!fs.existsSync(config.chromiumPath)) {
    throw new Error(`Chromium not found at ${config.chromiumPath}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
  }
  const renderer = new PdfRenderer({ poolSize: config.pdfPagePool, executablePath: config.chromiumPath });
  const { app, close: closeApp } = createApp({
    config: { sessionSecret: config.sessionSecret, sessionIdleMinutes: config.sessionIdleMinutes, secureCookies: config.secureCookies, databaseUrl: opts.databaseUrl, paymentQueryCycle: config.payment.queryCycle },
    db: opts.db,
    engine: opts.engine,
    // Documents render with the template versions admins publish online (falling back to templates/).
    documents: new DocumentService({ renderer, templates: publishedTemplateSource(opts.db) }),
    security: opts.security,
    log: opts.log,
    ...(opts.sms ? { sms: opts.sms } : {}),
    ...(opts.ywtb ? { ywtb: { identity: opts.ywtb, ...(config.ywtb.redirectUri ? { redirectUri: config.ywtb.redirectUri } : {}) } } : {}),
    ...(opts.payment ? { payment: opts.payment } : {}),
    ...(opts.courier ? { courier: opts.courier } : {}),
    webDist: defaultWebDist,
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  return {
    url: `http://${config.host}:${config.port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closeApp();
      await renderer.close();
    },
  };
}
