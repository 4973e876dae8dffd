import type { AppConfig } from '../../config';
import { SmsGateway } from '../../integrations/sms/sms-gateway';
import { SuishenbanPush } from '../../integrations/suishenban/suishenban-push';
import type { NotifyChannels } from './notify.service';

/**
 * The channels from the configuration: `SUISHENBAN_BASE_URL` and `SMS_GATEWAY_URL` (a real platform,
 * or the sandbox `npm start` runs and passes to the worker process); undefined while either is unknown.
 */
export function notifyChannelsFromConfig(config: Pick<AppConfig, 'suishenban' | 'sms' | 'publicBaseUrl'>): NotifyChannels | undefined {
  if (!config.suishenban.baseUrl || !config.sms.gatewayUrl) return undefined;
  return {
    suishenban: new SuishenbanPush({ baseUrl: config.suishenban.baseUrl, appId: config.suishenban.appId, appSecret: config.suishenban.appSecret }),
    sms: new SmsGateway({ baseUrl: config.sms.gatewayUrl, appId: config.sms.appId, appSecret: config.sms.appSecret }),
    publicBaseUrl: config.publicBaseUrl,
  };
}
