import type { Db } from '../../db/knex';
import { ModelChecker } from '../processes/model-check';
import { TaskFormRepository } from './task-form.repository';

/** The model check with the forms stored in the database (U3): the designer's deploy and the deploy of `processes/` use it. */
export function storedFormsModelChecker(db: Db): ModelChecker {
  const forms = new TaskFormRepository(db);
  return new ModelChecker(undefined, () => forms.keys());
}
