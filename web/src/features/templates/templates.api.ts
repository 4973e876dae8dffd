import {
  commitmentLetterView,
  templateDetail,
  templatePreview,
  templateSummary,
  templateVersionView,
  type CommitmentLetterView,
  type SaveTemplateDraftRequest,
  type TemplateDetail,
  type TemplatePreview,
  type TemplateSummary,
  type TemplateVersionView,
} from '../../../../api/src/contracts/templates';
import { deleteNoContent, getJson, postForBlob, postJson, putJson } from '../../api/http';

const base = '/api/templates';
const templatePath = (code: string) => `${base}/${encodeURIComponent(code)}`;
const versionPath = (code: string, version: number) => `${templatePath(code)}/versions/${encodeURIComponent(String(version))}`;

/** Every document template with its current version (0: the built-in file). */
export function listTemplates(): Promise<TemplateSummary[]> {
  return getJson(base, templateSummary.array());
}

/** A template with its built-in body and all versions, newest first. */
export function getTemplate(code: string): Promise<TemplateDetail> {
  return getJson(templatePath(code), templateDetail);
}

export function getTemplateVersion(code: string, version: number): Promise<TemplateVersionView> {
  return getJson(versionPath(code, version), templateVersionView);
}

/** Saves the body as a new draft version. */
export function createTemplateDraft(code: string, request: SaveTemplateDraftRequest): Promise<TemplateVersionView> {
  return postJson(`${templatePath(code)}/versions`, request, templateVersionView);
}

/** Replaces the body of a draft (published and retired versions cannot change). */
export function updateTemplateDraft(code: string, version: number, request: SaveTemplateDraftRequest): Promise<TemplateVersionView> {
  return putJson(versionPath(code, version), request, templateVersionView);
}

export function deleteTemplateDraft(code: string, version: number): Promise<void> {
  return deleteNoContent(versionPath(code, version));
}

/** Publishes a draft, or an older version again (rollback). */
export function publishTemplateVersion(code: string, version: number): Promise<TemplateVersionView> {
  return postJson(`${versionPath(code, version)}/publish`, {}, templateVersionView);
}

/** The body rendered with the template's sample data, nothing saved. */
export function previewTemplate(code: string, body: string): Promise<TemplatePreview> {
  return postJson(`${templatePath(code)}/preview`, { body }, templatePreview);
}

/** The body as a PDF with the sample data, nothing saved. */
export function previewTemplatePdf(code: string, body: string): Promise<Blob> {
  return postForBlob(`${templatePath(code)}/preview.pdf`, { body });
}

/** The current commitment letter of an exam, blank (read before signing). */
export function getCurrentCommitmentLetter(examId: number): Promise<CommitmentLetterView> {
  return getJson(`${base}/commitment-letter/current?examId=${encodeURIComponent(String(examId))}`, commitmentLetterView);
}

export function currentCommitmentLetterPdfUrl(examId: number): string {
  return `${base}/commitment-letter/current.pdf?examId=${encodeURIComponent(String(examId))}`;
}
