/**
 * Every action the API and the workers record in the security audit log (安全审计), by the module that
 * records it (api/src/modules/<module>/; `auth` is api/src/auth/, `audit` the security layer itself:
 * refused calls, integrity alarms and the log's own export and check). The console labels each one
 * (web/src/features/<module>/), so a new action without a Chinese label does not compile.
 */
export const auditActionsByModule = {
  audit: ['access.denied', 'audit.export', 'audit.verify', 'integrity.access-control', 'integrity.record'],
  auth: ['auth.login', 'auth.login-verify', 'auth.mfa-update', 'auth.logout', 'auth.ywtb-login', 'auth.ywtb-entry', 'auth.ywtb-callback'],
  cases: ['incident.retry'],
  deliveries: ['delivery.create', 'courier.callback'],
  exams: [
    'major.create',
    'exam.create',
    'exam.update',
    'exam.sessions',
    'exam.majors',
    'exam.publish',
    'exam.unpublish',
    'exam.subject.create',
    'exam.subject.update',
    'exam.subject.delete',
    'exam.fees',
    'exam.level.create',
    'exam.level.update',
    'exam.level.delete',
    'exam.level.bind-major',
    'exam.level.unbind-major',
    'exam.level.bind-subject',
    'exam.level.unbind-subject',
  ],
  guide: ['guide.confirm'],
  notifications: ['message-template.update'],
  payments: [
    'payment.pay',
    'payment.download-receipt',
    'payment.search',
    'payment.export',
    'payment.view',
    'payment.refund-request',
    'payment.refund-approve',
    'payment.refund-reject',
    'payment.refund-retry',
    'payment.reconcile',
    'payment.reconcile-upload',
    'payment.reconciliation-view',
    'payment.reconciliation-resolve',
    'payment.reconciliation-credit',
  ],
  phone: ['phone.code-request', 'phone.bind'],
  photos: ['photo.upload'],
  processes: ['process.deploy', 'process.model.deploy', 'process.model.rollback', 'process.migration.execute', 'decision.deploy'],
  registration: [
    'registration.create',
    'registration.resubmit',
    'registration.withdraw',
    'registration.upload-certificate',
    'registration.download-form',
    'settings.related-majors',
  ],
  'registration-admin': ['registration.search', 'registration.view', 'registration.correct', 'registration.statistics-export'],
  'task-forms': ['task-form.create', 'task-form.version', 'task-form.complete'],
  tasks: [
    'task.claim',
    'task.unclaim',
    'task.complete',
    'task.assign',
    'task.delegate',
    'task.resolve',
    'task.return-previous',
    'task.withdraw',
    'task.urge',
    'task.cc',
    'task.cosigner.add',
    'task.cosign',
    'task.comment',
    'task.dates',
    'task.filter.save',
    'task.filter.delete',
    'task.attachment.upload',
    'task.attachment.delete',
    'task.bulk-approve',
    'task.auto-assign',
    'task.auto-assign-run',
    'review-settings.update',
    'review-settings.auto-assign',
    'reviewer-conflict.create',
    'reviewer-conflict.delete',
  ],
  templates: ['template.draft-create', 'template.draft-update', 'template.draft-delete', 'template.publish'],
} as const;

/** A module that records audit actions. */
export type AuditModule = keyof typeof auditActionsByModule;

/** The actions one module records. */
export type AuditActionOf<M extends AuditModule> = (typeof auditActionsByModule)[M][number];

/** Any action the audit log holds. */
export type AuditAction = AuditActionOf<AuditModule>;

export const auditActions: readonly AuditAction[] = Object.values(auditActionsByModule).flat();
