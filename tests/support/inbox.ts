import type { DeliveryCaseSummary, RegistrationCaseSummary } from '../../api/src/contracts/case-summaries';
import type { InboxTask } from '../../api/src/contracts/task';

/** The registration an inbox row is about (fails the test when the row is of another case type). */
export function registrationCase(task: Pick<InboxTask, 'case'>): RegistrationCaseSummary {
  if (task.case.kind !== 'exam-registration') throw new Error(`expected a registration row, got ${task.case.kind}`);
  return task.case;
}

/** The delivery a courier task's row is about. */
export function deliveryCase(task: Pick<InboxTask, 'case'>): DeliveryCaseSummary {
  if (task.case.kind !== 'courier-delivery') throw new Error(`expected a delivery row, got ${task.case.kind}`);
  return task.case;
}
