/**
 * The console's features, one line each (web/src/features/<module>/, named like api/src/modules/<module>/).
 * The route table, the menu and the audit log's labels are assembled from this list.
 */
export { default as audit } from './audit/feature';
export { default as auth } from './auth/feature';
export { default as cases } from './cases/feature';
export { default as deliveries } from './deliveries/feature';
export { default as exams } from './exams/feature';
export { default as guide } from './guide/feature';
export { default as notifications } from './notifications/feature';
export { default as payments } from './payments/feature';
export { default as phone } from './phone/feature';
export { default as photos } from './photos/feature';
export { default as processes } from './processes/feature';
export { default as registration } from './registration/feature';
export { default as registrationAdmin } from './registration-admin/feature';
export { default as taskForms } from './task-forms/feature';
export { default as tasks } from './tasks/feature';
export { default as templates } from './templates/feature';
