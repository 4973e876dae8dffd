import type { BureauCode, PermissionCode, RoleCode } from '../contracts/auth';

/** Default roles and their permissions; written to the database once, then administered there. */
export const roleCatalogue: Record<RoleCode, { name: string; permissions: PermissionCode[] }> = {
  candidate: { name: '考生', permissions: ['registration:create', 'registration:read-own'] },
  'exam-reviewer': {
    name: '资格审核员',
    permissions: ['registration-task:read', 'registration-task:claim', 'registration-task:complete', 'registration:read'],
  },
  // 考务管理员 of 市职业能力考试院 also keep the fee accounts. They may both request and approve an
  // administrative refund, but never their own request: the approval route enforces four eyes.
  'exam-admin': {
    name: '考务管理员',
    permissions: ['exam:read', 'exam:manage', 'registration:read', 'registration:update', 'template:manage', 'message-template:manage', 'payment:read', 'payment:refund', 'payment:approve-refund', 'payment:reconcile', 'registration-task:read', 'registration-task:claim'],
  },
  'approver-yjj': { name: '审批人员（市应急局）', permissions: ['licence-task:read', 'licence-task:complete'] },
  'approver-zjw': { name: '审批人员（市住建委）', permissions: ['licence-task:read', 'licence-task:complete'] },
  'approver-jtw': { name: '审批人员（市交通委）', permissions: ['licence-task:read', 'licence-task:complete'] },
  'process-designer': { name: '流程设计员', permissions: ['process:read', 'process:deploy'] },
  'system-admin': { name: '系统管理员', permissions: ['user:manage', 'audit:read', 'process:read', 'system:monitor', 'message-template:manage'] },
};

/**
 * Permissions added to the catalogue after databases were first seeded. The seed grants each once to
 * the role where that role already exists (a role seeded afterwards has it from the catalogue) and
 * records the grant by name in `security_upgrades`, so a permission an administrator removes later
 * is not given back at the next start. Append; never rename an entry.
 */
export const catalogueGrants: ReadonlyArray<{ name: string; role: RoleCode; permissions: PermissionCode[] }> = [
  { name: 'grant:exam-admin:template-manage', role: 'exam-admin', permissions: ['template:manage'] },
  { name: 'grant:exam-admin:message-template-manage', role: 'exam-admin', permissions: ['message-template:manage'] },
  { name: 'grant:system-admin:message-template-manage', role: 'system-admin', permissions: ['message-template:manage'] },
  { name: 'grant:exam-admin:payment', role: 'exam-admin', permissions: ['payment:read', 'payment:refund', 'payment:approve-refund', 'payment:reconcile'] },
  // Their role inbox (U5): 快递异常处理 is read and claimed there, and completed with its form.
  { name: 'grant:exam-admin:task-inbox', role: 'exam-admin', permissions: ['registration-task:read', 'registration-task:claim'] },
];

/** The bureau an approver role acts for; data scope follows it. */
export const roleBureau: Partial<Record<RoleCode, BureauCode>> = {
  'approver-yjj': 'yjj',
  'approver-zjw': 'zjw',
  'approver-jtw': 'jtw',
};
