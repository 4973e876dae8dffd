import { examSummary, type ExamSummary } from '../../../../api/src/contracts/registration';
import { getJson } from '../../api/http';

/** Exams whose registration window is open now, with their majors. */
export function listOpenExams(): Promise<ExamSummary[]> {
  return getJson('/api/exams/open', examSummary.array());
}
