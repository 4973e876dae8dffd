import {
  registrationView,
  timelineEntry,
  type CreateRegistrationRequest,
  type RegistrationView,
  type TimelineEntry,
} from '../../../api/src/contracts/registration';
import { getJson, postJson } from './http';

const base = '/api/registrations';
const one = (registrationNo: string) => `${base}/${encodeURIComponent(registrationNo)}`;

export function createRegistration(body: CreateRegistrationRequest): Promise<RegistrationView> {
  return postJson(base, body, registrationView);
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
