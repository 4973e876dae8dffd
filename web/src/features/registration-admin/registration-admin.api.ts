import {
  registrationAdminDetail,
  registrationCorrectionEncryptedFields,
  registrationSearchOptions,
  registrationSearchPage,
  registrationSearchQuery,
  registrationStatistics,
  type RegistrationAdminDetail,
  type RegistrationCorrectionRequest,
  type RegistrationSearchQuery,
  type RegistrationSearchOptions,
  type RegistrationSearchPage,
  type RegistrationStatistics,
  type RegistrationStatisticsQuery,
} from '../../../../api/src/contracts/registration-admin';
import { getJson, postJson, queryString } from '../../api/http';
import { encryptFields } from '../../api/transport';

const base = '/api/registration-admin';

/** The filter part of a search (without paging and sorting). */
export type RegistrationFilter = Pick<
  RegistrationSearchQuery,
  'examId' | 'idNumber' | 'fullName' | 'status' | 'levelCode' | 'majorCode' | 'district' | 'submittedFrom' | 'submittedTo'
>;
export type RegistrationPaging = Pick<RegistrationSearchQuery, 'page' | 'pageSize' | 'sort' | 'order'>;

/** The first reason the server would refuse this search (checked against the contract), or null. */
export function searchProblem(filter: RegistrationFilter): string | null {
  const parsed = registrationSearchQuery.safeParse(Object.fromEntries(new URLSearchParams(queryString(filter))));
  return parsed.success ? null : (parsed.error.issues[0]?.message ?? '查询条件不正确');
}

export function getSearchOptions(): Promise<RegistrationSearchOptions> {
  return getJson(`${base}/options`, registrationSearchOptions);
}

export function searchRegistrations(filter: RegistrationFilter, paging: RegistrationPaging): Promise<RegistrationSearchPage> {
  return getJson(`${base}/registrations?${queryString({ ...filter, ...paging })}`, registrationSearchPage);
}

const one = (registrationNo: string) => `${base}/registrations/${encodeURIComponent(registrationNo)}`;

export function getRegistrationDetail(registrationNo: string): Promise<RegistrationAdminDetail> {
  return getJson(one(registrationNo), registrationAdminDetail);
}

/** Corrects a registration; a new phone number travels SM2-encrypted. Answers the updated details. */
export async function correctRegistration(registrationNo: string, body: RegistrationCorrectionRequest): Promise<RegistrationAdminDetail> {
  return postJson(`${one(registrationNo)}/corrections`, await encryptFields(body, registrationCorrectionEncryptedFields), registrationAdminDetail);
}

export function getStatistics(query: RegistrationStatisticsQuery): Promise<RegistrationStatistics> {
  return getJson(`${base}/statistics?${queryString(query)}`, registrationStatistics);
}

/** The workbook is downloaded by the browser itself (a link), so the session cookie goes with it. */
export function statisticsExportUrl(query: RegistrationStatisticsQuery): string {
  return `${base}/statistics/export.xlsx?${queryString(query)}`;
}
