import {
  registrationEncryptedFields,
  registrationView,
  timelineEntry,
  type CreateRegistrationRequest,
  type RegistrationView,
  type TimelineEntry,
} from '../../../api/src/contracts/registration';
import { getJson, postJson } from './http';
import { encryptFields } from './transport';

const base = '/api/registrations';
const one = (registrationNo: string) => `${base}/${encodeURIComponent(registrationNo)}`;

/** Submits an application; ID and phone numbers travel SM2-encrypted. */
export async function createRegistration(body: CreateRegistrationRequest): Promise<RegistrationView> {
  return postJson(base, await encryptFields(body, registrationEncryptedFields), registrationView);
}

export function listMyRegistrations(): Promise<RegistrationView[]> {
  return getJson(`${base}/mine`, registrationView.array());
}

export function getRegistration(registrationNo: string): Promise<RegistrationView> {
  return getJson(one(registrationNo), registrationView);
}

export function getRegistrationTimeline(registrationNo: string): Promise<TimelineEntry[]> {
  return getJson(`${one(registrationNo)}/timeline`, timelineEntry.array());
}

/** The registration form PDF is downloaded by the browser itself (a link), so the session cookie goes with it. */
export function registrationFormUrl(registrationNo: string): string {
  return `${one(registrationNo)}/form.pdf`;
}
