import { examGuideView, guideConfirmation, type ExamGuideView, type GuideConfirmation } from '../../../../api/src/contracts/guide';
import { getJson, postJson } from '../../api/http';

const base = (examId: number) => `/api/exams/${encodeURIComponent(String(examId))}/guide`;

/** The exam's guide (M02) with the caller's confirmation (null: not confirmed yet). */
export function getExamGuide(examId: number): Promise<ExamGuideView> {
  return getJson(base(examId), examGuideView);
}

/** Confirms having read this version of the guide (M10); confirming again keeps the first time. */
export function confirmExamGuide(examId: number, version: string): Promise<GuideConfirmation> {
  return postJson(`${base(examId)}/confirm`, { version }, guideConfirmation);
}

export function examGuidePdfUrl(examId: number): string {
  return `${base(examId)}.pdf`;
}
