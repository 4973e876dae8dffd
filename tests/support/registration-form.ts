import type { Page } from 'playwright-core';
import type { EducationRecord, WorkPeriod } from '../../api/src/contracts/registration';
import { educationLabels } from '../../api/src/contracts/registration';
import { choose, input } from './browser';

/** Types a date into an element-plus date picker (YYYY-MM-DD) and commits it with Enter. */
export async function pickDate(page: Page, testId: string, value: string): Promise<void> {
  const box = input(page, testId);
  await box.click();
  await box.fill(value);
  await box.press('Enter');
  // The panel stays open on some versions: close it so it does not cover the next field.
  await page.keyboard.press('Escape');
}

/** Fills row `i` of the 学历信息 section (the row must exist). */
export async function fillEducation(page: Page, i: number, e: EducationRecord): Promise<void> {
  await choose(page, `edu-level-${i}`, educationLabels[e.level]);
  await input(page, `edu-school-${i}`).fill(e.school);
  await input(page, `edu-major-${i}`).fill(e.major);
  await page.locator(`[data-test=edu-fulltime-${e.fullTime ? 'yes' : 'no'}-${i}]`).click();
  await pickDate(page, `edu-start-${i}`, e.startDate);
  await pickDate(page, `edu-graduation-${i}`, e.graduationDate);
  await input(page, `edu-certificate-${i}`).fill(e.certificateNo);
}

/** Fills row `i` of the 工作经历 section (the row must exist); a null end date is left empty (至今). */
export async function fillWorkPeriod(page: Page, i: number, w: WorkPeriod): Promise<void> {
  await input(page, `work-employer-${i}`).fill(w.employer);
  await input(page, `work-post-${i}`).fill(w.post);
  await pickDate(page, `work-start-${i}`, w.startDate);
  if (w.endDate) await pickDate(page, `work-end-${i}`, w.endDate);
  await page.locator(`[data-test=work-safety-${w.safetyWork ? 'yes' : 'no'}-${i}]`).click();
}

/** The message element-plus shows under the form item holding the field `testId`. */
export function fieldError(page: Page, testId: string) {
  return page.locator('.el-form-item', { has: page.locator(`[data-test=${testId}]`) }).locator('.el-form-item__error').first();
}
