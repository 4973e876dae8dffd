import type { CommitmentLetterView } from '../../contracts/templates';
import type { CommitmentLetterData, DocumentService, RenderedDocument } from '../../documents/document.service';
import { notFound } from '../../http/errors';
import type { ExamRow, ExamService } from '../exams/exam.service';

const messages = {
  examNotFound: '考试不存在或尚未发布',
};

/**
 * 告知承诺书 (M03), rendered with the published template version (or the built-in file). The
 * registration module renders a candidate's letter with these, and keeps `templateVersion` with the
 * signature so that the text the candidate signed can be shown again.
 */
export class CommitmentLetterService {
  constructor(
    private readonly documents: DocumentService,
    private readonly exams: Pick<ExamService, 'findById'>,
  ) {}

  /** The letter as HTML for viewing online, and the template version it was rendered from. */
  renderCommitmentLetter(data: CommitmentLetterData): Promise<RenderedDocument> {
    return this.documents.renderDocument('commitment-letter', data);
  }

  /** The letter as a PDF (A4), and the template version it was rendered from. */
  commitmentLetterPdf(data: CommitmentLetterData): Promise<{ pdf: Buffer; templateVersion: number }> {
    return this.documents.renderPdfDocument('commitment-letter', data);
  }

  /** The blank letter of a published exam: what a candidate reads before signing, with no personal data. */
  async current(examId: number): Promise<CommitmentLetterView> {
    const { html, templateVersion } = await this.renderCommitmentLetter(blankLetter(await this.publishedExam(examId)));
    return { examId, templateVersion, html };
  }

  async currentPdf(examId: number): Promise<{ pdf: Buffer; exam: ExamRow; templateVersion: number }> {
    const exam = await this.publishedExam(examId);
    return { ...(await this.commitmentLetterPdf(blankLetter(exam))), exam };
  }

  private async publishedExam(examId: number): Promise<ExamRow> {
    const exam = await this.exams.findById(examId);
    if (!exam || exam.status !== 'published') throw notFound(messages.examNotFound);
    return exam;
  }
}

function blankLetter(exam: ExamRow): CommitmentLetterData {
  return { examName: exam.name, levelName: null, majorName: null, fullName: null, idNumberMasked: null };
}
