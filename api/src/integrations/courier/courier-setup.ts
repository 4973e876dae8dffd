import type { AppConfig } from '../../config';
import type { Sm2Service } from '../../security/sm2';
import { CourierPlatform } from './courier-platform';

/** The issuing office's return address on waybills (its name comes with the document). */
export interface CourierSender {
  phone: string;
  district: string;
  address: string;
}

/** What the API and the workers need for courier delivery; the same for the real module and its sandbox. */
export interface CourierDeps {
  platform: CourierPlatform;
  /** Where the platform POSTs tracking callbacks (our `/api/courier/callback`). */
  notifyUrl: string;
  sender: CourierSender;
}

export interface CourierEndpoint {
  baseUrl: string;
  publicKey: string;
}

export function courierDeps(config: Pick<AppConfig, 'courier'>, sm2: Pick<Sm2Service, 'verify'>, endpoint: CourierEndpoint): CourierDeps {
  return {
    platform: new CourierPlatform({ baseUrl: endpoint.baseUrl, appId: config.courier.appId, appSecret: config.courier.appSecret, publicKey: endpoint.publicKey, sm2 }),
    notifyUrl: config.courier.notifyUrl,
    sender: config.courier.sender,
  };
}

/** The platform from the configuration (the worker process gets it from `npm start`); undefined when not configured. */
export function courierEndpointFromConfig(config: Pick<AppConfig, 'courier'>): CourierEndpoint | undefined {
  const { baseUrl, publicKey } = config.courier;
  return baseUrl && publicKey ? { baseUrl, publicKey } : undefined;
}
