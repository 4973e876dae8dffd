import { z } from 'zod';
import {
  registrationAdminDetail,
  registrationCorrectionEncryptedFields,
  registrationCorrectionRequest,
  registrationSearchOptions,
  registrationSearchPage,
  registrationSearchQuery,
  registrationStatistics,
  registrationStatisticsQuery,
} from '../../contracts/registration-admin';
import type { ApiRoutes } from '../../http/route';
import { sendWorkbook, XLSX_TYPE } from '../../http/downloads';
import type { RegistrationAdminService } from './registration-admin.service';
import { statisticsFileName, statisticsWorkbook } from './statistics-workbook';

const byNo = z.object({ registrationNo: z.string().regex(/^BM[0-9A-Z]{1,16}\d{6}$/, '报名号格式不正确') });
const base = '/registration-admin';

/** 报名数据管理 (M23 search, details, corrections; M24 statistics). Reads of personal data are audited. */
export function registrationAdminRoutes(api: ApiRoutes, service: RegistrationAdminService): void {
  api.define(
    {
      method: 'get',
      path: `${base}/options`,
      summary: '报名数据查询的可选条件（数据范围内的考试、专业）',
      tag: 'registration-admin',
      access: { permission: 'registration:read' },
      response: registrationSearchOptions,
    },
    ({ user }) => service.options(user),
  );
  api.define(
    {
      method: 'get',
      path: `${base}/registrations`,
      summary: '报名数据查询（证件号码精确、姓名模糊、状态等；证件号码和手机号码脱敏）',
      tag: 'registration-admin',
      access: { permission: 'registration:read' },
      query: registrationSearchQuery,
      response: registrationSearchPage,
      audit: { action: 'registration.search', objectType: 'exam', objectId: (v) => v.query?.examId },
    },
    ({ user, query }) => service.search(user, query),
  );
  api.define(
    {
      method: 'get',
      path: `${base}/registrations/:registrationNo`,
      summary: '报名详情（学历、工作经历、办理记录、签名、更正记录）',
      tag: 'registration-admin',
      access: { permission: 'registration:read' },
      params: byNo,
      response: registrationAdminDetail,
      audit: { action: 'registration.view', objectType: 'registration', objectId: (v) => v.params?.registrationNo },
    },
    ({ user, params }) => service.detail(user, params.registrationNo),
  );
  api.define(
    {
      method: 'post',
      path: `${base}/registrations/:registrationNo/corrections`,
      summary: '更正报名信息（须填写原因；手机号码须SM2加密传输）',
      tag: 'registration-admin',
      access: { permission: 'registration:update' },
      params: byNo,
      body: registrationCorrectionRequest,
      encryptedFields: registrationCorrectionEncryptedFields,
      response: registrationAdminDetail,
      status: 201,
      audit: { action: 'registration.correct', objectType: 'registration', objectId: (v) => v.params?.registrationNo },
    },
    ({ user, params, body }) => service.correct(user, params.registrationNo, body),
  );
  api.define(
    {
      method: 'get',
      path: `${base}/statistics`,
      summary: '报名信息统计（按级别、专业、科目、状态、区、学历、年龄段、性别）',
      tag: 'registration-admin',
      access: { permission: 'registration:read' },
      query: registrationStatisticsQuery,
      response: registrationStatistics,
    },
    ({ user, query }) => service.statistics(user, query),
  );
  api.define(
    {
      method: 'get',
      path: `${base}/statistics/export.xlsx`,
      summary: '导出报名信息统计（Excel）',
      tag: 'registration-admin',
      access: { permission: 'registration:read' },
      query: registrationStatisticsQuery,
      response: { contentType: XLSX_TYPE },
      audit: { action: 'registration.statistics-export', objectType: 'exam', objectId: (v) => v.query?.examId },
    },
    async ({ user, query, res }) => {
      const statistics = await service.statistics(user, query);
      const file = await statisticsWorkbook(statistics);
      sendWorkbook(res, file, { asciiName: 'registration-statistics.xlsx', fileName: statisticsFileName(statistics) });
    },
  );
}
