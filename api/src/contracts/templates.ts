import { z } from 'zod';

// Document templates edited online (M03 告知承诺书, M02 报考指南, and every other template in
// `templates/`): versions, drafts, publishing, live preview.

/** 草稿 → 已发布 (exactly one per template at a time) → 历史版本 when another one is published. */
export const templateVersionStatuses = ['draft', 'published', 'retired'] as const;
export type TemplateVersionStatus = (typeof templateVersionStatuses)[number];
export const templateVersionStatusLabels: Record<TemplateVersionStatus, string> = {
  draft: '草稿',
  published: '当前发布',
  retired: '历史版本',
};

/** Version 0 stands for the built-in file in `templates/`, used until an admin publishes a version. */
export const BUILTIN_VERSION = 0;

/** Limits of a template body, checked by the API and shown by the editor. */
export const templateBodyLimits = {
  /** UTF-8 bytes (below the API's 100 kB request limit, with room for the change note). */
  maxBytes: 64 * 1024,
  changeNoteMaxLength: 200,
} as const;

const templateCode = z
  .string({ error: '缺少模板编号' })
  .regex(/^[a-z0-9-]{1,64}$/, '模板编号格式不正确');

export const templateParams = z.object({ code: templateCode });
export const templateVersionParams = z.object({
  code: templateCode,
  version: z.coerce.number({ error: '版本号格式不正确' }).int('版本号格式不正确').positive('版本号格式不正确'),
});

const templateBody = z.string({ error: '请填写模板内容' }).refine((body) => body.trim().length > 0, '请填写模板内容');

/** Saves a new draft version, or replaces the body of a draft. */
export const saveTemplateDraftRequest = z.object({
  body: templateBody,
  changeNote: z
    .string({ error: '请填写修改说明' })
    .trim()
    .min(1, '请填写修改说明')
    .max(templateBodyLimits.changeNoteMaxLength, `修改说明不能超过${templateBodyLimits.changeNoteMaxLength}个字`),
});
export type SaveTemplateDraftRequest = z.infer<typeof saveTemplateDraftRequest>;

/** Renders a body that is not saved (live preview in the editor). */
export const previewTemplateRequest = z.object({ body: templateBody });
export type PreviewTemplateRequest = z.infer<typeof previewTemplateRequest>;

export const templatePreview = z.object({ html: z.string() });
export type TemplatePreview = z.infer<typeof templatePreview>;

const isoDateTime = z.string();

/** One template as the list shows it. `currentVersion` 0: the built-in file is in use. */
export const templateSummary = z.object({
  code: z.string(),
  title: z.string(),
  currentVersion: z.number().int().nonnegative(),
  publishedAt: isoDateTime.nullable(),
  publishedBy: z.string().nullable(),
  latestVersion: z.number().int().nonnegative(),
  draftCount: z.number().int().nonnegative(),
});
export type TemplateSummary = z.infer<typeof templateSummary>;

export const templateVersionSummary = z.object({
  code: z.string(),
  version: z.number().int().positive(),
  status: z.enum(templateVersionStatuses),
  changeNote: z.string(),
  createdBy: z.string(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
  publishedBy: z.string().nullable(),
  publishedAt: isoDateTime.nullable(),
});
export type TemplateVersionSummary = z.infer<typeof templateVersionSummary>;

export const templateVersionView = templateVersionSummary.extend({ body: z.string() });
export type TemplateVersionView = z.infer<typeof templateVersionView>;

/** A template with its built-in body, the sample data previews render with, and every version, newest first. */
export const templateDetail = templateSummary.extend({
  builtinBody: z.string(),
  sampleData: z.record(z.string(), z.unknown()),
  versions: z.array(templateVersionSummary),
});
export type TemplateDetail = z.infer<typeof templateDetail>;

/** GET /api/templates/commitment-letter/current: the blank letter of an exam, read before signing. */
export const commitmentLetterQuery = z.object({
  examId: z.coerce.number({ error: '考试编号格式不正确' }).int('考试编号格式不正确').positive('考试编号格式不正确'),
});
export const commitmentLetterView = z.object({
  examId: z.number().int(),
  templateVersion: z.number().int().nonnegative(),
  html: z.string(),
});
export type CommitmentLetterView = z.infer<typeof commitmentLetterView>;
