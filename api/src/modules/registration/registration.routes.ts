import { z } from 'zod';
import { createRegistrationRequest, registrationEncryptedFields, registrationView, timelineEntry } from '../../contracts/registration';
import type { ApiRoutes } from '../../http/route';
import type { RegistrationService } from './registration.service';
import type { RegistrationFormRenderer } from './registration-form';

const byNo = z.object({ registrationNo: z.string().regex(/^BM[0-9A-Z]{1,16}\d{6}$/, '报名号格式不正确') });

export function registrationRoutes(api: ApiRoutes, registrations: RegistrationService, forms: RegistrationFormRenderer): void {
  api.define(
    {
      method: 'post',
      path: '/registrations',
      summary: '提交报名申请并启动报名流程',
      tag: 'registrations',
      access: { permission: 'registration:create' },
      body: createRegistrationRequest,
      encryptedFields: registrationEncryptedFields,
      response: registrationView,
      status: 201,
      audit: { action: 'registration.create', objectType: 'registration', objectId: (_v, r) => (r as { registrationNo?: string } | undefined)?.registrationNo },
    },
    ({ user, body }) => registrations.submit(user, body),
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
