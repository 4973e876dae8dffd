import { z } from 'zod';
import {
  examAdminView,
  examListItem,
  majorView,
  type CreateLevelRequest,
  type CreateMajorRequest,
  type ExamAdminView,
  type ExamBasicRequest,
  type ExamFeesRequest,
  type ExamListItem,
  type ExamListQuery,
  type ExamSessionsRequest,
  type LevelCode,
  type MajorView,
  type SubjectRequest,
  type UpdateLevelRequest,
} from '../../../../api/src/contracts/exams';
import { deleteJson, getJson, postJson, putJson } from '../../api/http';

/** 考试设置 (M17-M22): every call answers the exam as it now is, with what keeps it from being published. */

const base = '/api/exams';
const examPath = (examId: number) => `${base}/${examId}`;
const part = (code: string) => encodeURIComponent(code);

/** `year=2026&month=10`: fields not given are left out, so the server does not filter on them. */
export function examListSearch(query: ExamListQuery): string {
  const params = new URLSearchParams();
  if (query.year !== undefined) params.set('year', String(query.year));
  if (query.month !== undefined) params.set('month', String(query.month));
  if (query.status !== undefined) params.set('status', query.status);
  return params.toString();
}

export function listExams(query: ExamListQuery): Promise<ExamListItem[]> {
  const search = examListSearch(query);
  return getJson(search ? `${base}?${search}` : base, z.array(examListItem));
}

export function getExam(examId: number): Promise<ExamAdminView> {
  return getJson(examPath(examId), examAdminView);
}

export function createExam(body: ExamBasicRequest): Promise<ExamAdminView> {
  return postJson(base, body, examAdminView);
}

export function updateExam(examId: number, body: ExamBasicRequest): Promise<ExamAdminView> {
  return putJson(examPath(examId), body, examAdminView);
}

export function setExamSessions(examId: number, body: ExamSessionsRequest): Promise<ExamAdminView> {
  return putJson(`${examPath(examId)}/sessions`, body, examAdminView);
}

export function publishExam(examId: number): Promise<ExamAdminView> {
  return postJson(`${examPath(examId)}/publish`, undefined, examAdminView);
}

export function unpublishExam(examId: number): Promise<ExamAdminView> {
  return postJson(`${examPath(examId)}/unpublish`, undefined, examAdminView);
}

// --- majors (M18) ---

export function listMajorCatalogue(): Promise<MajorView[]> {
  return getJson('/api/majors', z.array(majorView));
}

export function addMajorToCatalogue(body: CreateMajorRequest): Promise<MajorView[]> {
  return postJson('/api/majors', body, z.array(majorView));
}

export function setExamMajors(examId: number, majorCodes: string[]): Promise<ExamAdminView> {
  return putJson(`${examPath(examId)}/majors`, { majorCodes }, examAdminView);
}

// --- subjects (M19) and fees (M21) ---

export function addSubject(examId: number, body: SubjectRequest): Promise<ExamAdminView> {
  return postJson(`${examPath(examId)}/subjects`, body, examAdminView);
}

export function updateSubject(examId: number, subjectCode: string, body: SubjectRequest): Promise<ExamAdminView> {
  return putJson(`${examPath(examId)}/subjects/${part(subjectCode)}`, body, examAdminView);
}

export function deleteSubject(examId: number, subjectCode: string): Promise<ExamAdminView> {
  return deleteJson(`${examPath(examId)}/subjects/${part(subjectCode)}`, examAdminView);
}

export function setFees(examId: number, body: ExamFeesRequest): Promise<ExamAdminView> {
  return putJson(`${examPath(examId)}/fees`, body, examAdminView);
}

// --- levels (M20) ---

export function addLevel(examId: number, body: CreateLevelRequest): Promise<ExamAdminView> {
  return postJson(`${examPath(examId)}/levels`, body, examAdminView);
}

export function updateLevel(examId: number, levelCode: LevelCode, body: UpdateLevelRequest): Promise<ExamAdminView> {
  return putJson(`${examPath(examId)}/levels/${levelCode}`, body, examAdminView);
}

export function deleteLevel(examId: number, levelCode: LevelCode): Promise<ExamAdminView> {
  return deleteJson(`${examPath(examId)}/levels/${levelCode}`, examAdminView);
}

/** Binds (`bound` true) or unbinds a major or a subject of a level. */
export function setLevelBinding(examId: number, levelCode: LevelCode, kind: 'majors' | 'subjects', code: string, bound: boolean): Promise<ExamAdminView> {
  const path = `${examPath(examId)}/levels/${levelCode}/${kind}/${part(code)}`;
  return bound ? putJson(path, undefined, examAdminView) : deleteJson(path, examAdminView);
}
