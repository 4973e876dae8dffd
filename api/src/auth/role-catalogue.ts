import type { BureauCode, PermissionCode, RoleCode } from '../contracts/auth';

/** Default roles and their permissions; written to the database once, then administered there. */
export const roleCatalogue: Record<RoleCode, { name: string; permissions: PermissionCode[] }> = {
  candidate: { name: '考生', permissions: ['registration:create', 'registration:read-own'] },
  'exam-reviewer': {
    name: '资格审核员',
    permissions: ['registration-task:read', 'registration-task:claim', 'registration-task:complete', 'registration:read'],
  },
  'exam-admin': { name: '考务管理员', permissions: ['exam:read', 'exam:manage', 'registration:read', 'registration:update'] },
  'approver-yjj': { name: '审批人员（市应急局）', permissions: ['licence-task:read', 'licence-task:complete'] },
  'approver-zjw': { name: '审批人员（市住建委）', permissions: ['licence-task:read', 'licence-task:complete'] },
  'approver-jtw': { name: '审批人员（市交通委）', permissions: ['licence-task:read', 'licence-task:complete'] },
  'process-designer': { name: '流程设计员', permissions: ['process:read', 'process:deploy'] },
  'system-admin': { name: '系统管理员', permissions: ['user:manage', 'audit:read', 'process:read', 'system:monitor'] },
};

/** The bureau an approver role acts for; data scope follows it. */
export const roleBureau: Partial<Record<RoleCode, BureauCode>> = {
  'approver-yjj': 'yjj',
  'approver-zjw': 'zjw',
  'approver-jtw': 'jtw',
};
