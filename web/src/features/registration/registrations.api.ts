import { z } from 'zod';
import {
  registrationCheck,
  registrationEncryptedFields,
  registrationPrefill,
  registrationView,
  timelineEntry,
  type RegistrationCheck,
  type RegistrationForm,
  type RegistrationPrefill,
  type RegistrationView,
  type SubmitRegistrationRequest,
  type TimelineEntry,
} from '../../../../api/src/contracts/registration';
import { getJson, postBinary, postJson, putJson } from '../../api/http';
import { encryptFields } from '../../api/transport';

const base = '/api/registrations';
const one = (registrationNo: string) => `${base}/${encodeURIComponent(registrationNo)}`;

const uploadedCertificate = z.object({ id: z.number().int(), fileName: z.string() });
export type UploadedCertificate = z.infer<typeof uploadedCertificate>;

/** What the form starts with: the 一网通办 identity and the verified phone (own data only). */
export function getRegistrationPrefill(): Promise<RegistrationPrefill> {
  return getJson(`${base}/prefill`, registrationPrefill);
}

/** Years, subjects, fee and eligibility computed from the form; nothing is stored. ID and phone travel SM2-encrypted. */
export async function checkRegistration(form: RegistrationForm): Promise<RegistrationCheck> {
  return postJson(`${base}/check`, await encryptFields(form, registrationEncryptedFields), registrationCheck);
}

/** Confirms the form and signs the commitment letter; the case starts. */
export async function submitRegistration(body: SubmitRegistrationRequest): Promise<RegistrationView> {
  return postJson(base, await encryptFields(body, registrationEncryptedFields), registrationView);
}

/** Corrects an editable registration (withdrawn or returned) and signs again. */
export async function resubmitRegistration(registrationNo: string, body: SubmitRegistrationRequest): Promise<RegistrationView> {
  return putJson(one(registrationNo), await encryptFields(body, registrationEncryptedFields), registrationView);
}

/** Withdraws the confirmation (before payment): the form unlocks and must be confirmed again. */
export function withdrawRegistration(registrationNo: string): Promise<RegistrationView> {
  return postJson(`${one(registrationNo)}/withdraw`, undefined, registrationView);
}

/** Uploads the scan of the certificate already held (考增项): JPG, PNG or PDF as the raw body. */
export function uploadCertificate(file: Blob): Promise<UploadedCertificate> {
  return postBinary(`${base}/attachments/certificate`, file, uploadedCertificate);
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
