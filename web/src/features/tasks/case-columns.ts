import type { CaseSummary, RegistrationCaseSummary } from '../../../../api/src/contracts/case-summaries';
import { levelLabel } from '../../labels';

/** The columns of an inbox row, whatever its case type: who, what, and the automatic check or state. */
export interface CaseColumns {
  person: string;
  subject: string;
  detail: string;
  /** The tag beside the detail: the registration's pre-check, a delivery's state. */
  tag: { text: string; type: 'success' | 'danger' | 'warning' } | null;
  notes: string[];
}

const registrationColumns = (c: RegistrationCaseSummary): CaseColumns => ({
  person: c.candidateNameMasked,
  subject: c.examName,
  detail: `${levelLabel(c.levelCode)} · ${c.majorName}`,
  tag: c.precheckPassed === null ? null : { text: c.precheckPassed ? '通过' : '未通过', type: c.precheckPassed ? 'success' : 'danger' },
  notes: c.precheckMessage ? [c.precheckMessage] : [],
});

/** One entry per case kind; a kind the console does not know yet shows its title. */
export function caseColumns(c: CaseSummary): CaseColumns {
  switch (c.kind) {
    case 'exam-registration':
      return registrationColumns(c);
    case 'courier-delivery': {
      const owner = registrationColumns(c.owner);
      return {
        ...owner,
        tag: { text: c.statusLabel, type: c.status === 'failed' ? 'danger' : 'warning' },
        notes: [`${c.documentLabel} · 运单号：${c.waybillNo ?? '无'}`, ...(c.failureReason ? [c.failureReason] : [])],
      };
    }
    default:
      return { person: '', subject: (c as { title: string }).title, detail: '', tag: null, notes: [] };
  }
}

