import {
  phoneBinding,
  phoneCodeSent,
  phoneEncryptedFields,
  type PhoneBinding,
  type PhoneCodeRequest,
  type PhoneCodeSent,
  type PhoneVerifyRequest,
} from '../../../../api/src/contracts/phone';
import { getJson, postJson } from '../../api/http';
import { encryptFields } from '../../api/transport';

const base = '/api/me/phone';

/** Sends a code to the phone to bind; the number leaves the browser only SM2-encrypted. */
export async function sendPhoneCode(request: PhoneCodeRequest): Promise<PhoneCodeSent> {
  return postJson(`${base}/code`, await encryptFields(request, phoneEncryptedFields), phoneCodeSent);
}

/** The code from the SMS; binds the phone it was sent to. */
export function verifyPhoneCode(request: PhoneVerifyRequest): Promise<NonNullable<PhoneBinding>> {
  return postJson(`${base}/verify`, request, phoneBinding.unwrap());
}

/** The bound phone (masked), or null. */
export function getPhoneBinding(): Promise<PhoneBinding> {
  return getJson(base, phoneBinding);
}
