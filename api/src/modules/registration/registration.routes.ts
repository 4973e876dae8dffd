import { z } from 'zod';
import {
  registrationCheck,
  registrationEncryptedFields,
  registrationForm,
  registrationPrefill,
  registrationView,
  submitRegistrationRequest,
  timelineEntry,
} from '../../contracts/registration';
import type { ApiRoutes } from '../../http/route';
import { receiveUpload, uploadPresets, type UploadPolicy } from '../../http/uploads';
import type { Db } from '../../db/knex';
import type { RegistrationService } from './registration.service';
import type { RegistrationFormRenderer } from './registration-form';
import { RelatedMajors } from './related-majors';

/** The scan of the certificate already held (考增项). */
export const certificateUploadPolicy: UploadPolicy = { field: 'certificateAttachmentId', ...uploadPresets.certificate };
export const CERTIFICATE_UPLOAD_PATH = '/registrations/attachments/certificate';

const relatedMajorList = z.object({
  names: z
    .array(z.string().trim().min(2, '专业名称至少2个字').max(100, '专业名称不能超过100个字'), { error: '请提供专业名称列表' })
    .min(1, '至少保留一个相关专业')
    .max(500)
    .refine((names) => new Set(names).size === names.length, '专业名称不能重复'),
});

const byNo = z.object({ registrationNo: z.string().regex(/^BM[0-9A-Z]{1,16}\d{6}$/, '报名号格式不正确') });

export function registrationRoutes(api: ApiRoutes, registrations: RegistrationService, forms: RegistrationFormRenderer, db: Db): void {
  api.define(
    {
      method: 'get',
      path: '/registrations/prefill',
      summary: '报名表预填信息：一网通办认证的身份信息和已绑定的手机号码（仅本人）',
      tag: 'registrations',
      access: { permission: 'registration:create' },
      response: registrationPrefill,
    },
    async ({ user, res }) => {
      res.set('cache-control', 'private, no-store');
      return registrations.prefill(user);
    },
  );
  api.define(
    {
      method: 'post',
      path: '/registrations/check',
      summary: '检查报名信息：校验、计算工作年限、科目与费用，并由引擎判定报考条件（不保存）',
      tag: 'registrations',
      access: { permission: 'registration:create' },
      body: registrationForm,
      encryptedFields: registrationEncryptedFields,
      response: registrationCheck,
    },
    ({ user, body }) => registrations.check(user, body),
  );
  api.define(
    {
      method: 'post',
      path: '/registrations',
      summary: '确认报名信息、签署告知承诺书并启动报名流程',
      tag: 'registrations',
      access: { permission: 'registration:create' },
      body: submitRegistrationRequest,
      encryptedFields: registrationEncryptedFields,
      response: registrationView,
      status: 201,
      audit: { action: 'registration.create', objectType: 'registration', objectId: (_v, r) => (r as { registrationNo?: string } | undefined)?.registrationNo },
    },
    ({ user, body }) => registrations.submit(user, body),
  );
  api.define(
    {
      method: 'put',
      path: '/registrations/:registrationNo',
      summary: '修改报名信息并重新签署（撤回确认后，或被退回修改时）',
      tag: 'registrations',
      access: { permission: 'registration:create' },
      params: byNo,
      body: submitRegistrationRequest,
      encryptedFields: registrationEncryptedFields,
      response: registrationView,
      audit: { action: 'registration.resubmit', objectType: 'registration', objectId: (v) => v.params?.registrationNo },
    },
    ({ user, params, body }) => registrations.resubmit(user, params.registrationNo, body),
  );
  api.define(
    {
      method: 'post',
      path: '/registrations/:registrationNo/withdraw',
      summary: '撤回确认（缴费前），报名信息解锁可修改',
      tag: 'registrations',
      access: { permission: 'registration:create' },
      params: byNo,
      response: registrationView,
      audit: { action: 'registration.withdraw', objectType: 'registration', objectId: (v) => v.params?.registrationNo },
    },
    ({ user, params }) => registrations.withdraw(user, params.registrationNo),
  );
  api.define(
    {
      method: 'post',
      path: CERTIFICATE_UPLOAD_PATH,
      summary: '上传已取得的证书（考增项；请求体为JPG、PNG或PDF文件本身）',
      tag: 'registrations',
      access: { permission: 'registration:create' },
      response: z.object({ id: z.number().int(), fileName: z.string() }),
      status: 201,
      audit: { action: 'registration.upload-certificate', objectType: 'attachment', objectId: (_v, r) => { const id = (r as { id?: number } | undefined)?.id; return id === undefined ? undefined : String(id); } },
    },
    async ({ user, req, res }) => {
      return registrations.addCertificate(user, await receiveUpload(req, res, certificateUploadPolicy));
    },
  );
  const related = new RelatedMajors(db);
  api.define(
    { method: 'get', path: '/settings/related-majors', summary: '安全工程相关专业名单', tag: 'settings', access: { authenticated: true }, response: relatedMajorList },
    async () => ({ names: await related.list() }),
  );
  api.define(
    {
      method: 'put',
      path: '/settings/related-majors',
      summary: '维护安全工程相关专业名单（报考条件判定使用）',
      tag: 'settings',
      access: { permission: 'exam:manage' },
      body: relatedMajorList,
      response: relatedMajorList,
      audit: { action: 'settings.related-majors', objectType: 'setting', objectId: () => 'related-majors' },
    },
    async ({ body }) => {
      await related.replace(body.names);
      return { names: await related.list() };
    },
  );
  api.define(
    { method: 'get', path: '/registrations/mine', summary: '我的报名', tag: 'registrations', access: { permission: 'registration:read-own' }, response: z.array(registrationView) },
    ({ user }) => registrations.mine(user),
  );
  api.define(
    {
      method: 'get',
      path: '/registrations/:registrationNo',
      summary: '报名详情（考生仅限本人）',
      tag: 'registrations',
      access: { authenticated: true },
      params: byNo,
      response: registrationView,
    },
    ({ user, params }) => registrations.view(user, params.registrationNo),
  );
  api.define(
    {
      method: 'get',
      path: '/registrations/:registrationNo/timeline',
      summary: '办理进度',
      tag: 'registrations',
      access: { authenticated: true },
      params: byNo,
      response: z.array(timelineEntry),
    },
    ({ user, params }) => registrations.timeline(user, params.registrationNo),
  );
  api.define(
    {
      method: 'get',
      path: '/registrations/:registrationNo/form.pdf',
      summary: '下载报名表（PDF）',
      tag: 'registrations',
      access: { authenticated: true },
      params: byNo,
      response: { contentType: 'application/pdf' },
      audit: { action: 'registration.download-form', objectType: 'registration', objectId: (v) => v.params?.registrationNo },
    },
    async ({ user, params, res }) => {
      const row = await registrations.find(user, params.registrationNo);
      const pdf = await forms.render(row);
      res
        .status(200)
        .type('application/pdf')
        .set('content-disposition', `attachment; filename="${row.registration_no}.pdf"; filename*=UTF-8''${encodeURIComponent(`报名表-${row.registration_no}.pdf`)}`)
        .set('cache-control', 'private, no-store')
        .send(pdf);
    },
  );
}
