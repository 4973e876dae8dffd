/** Who a case's message goes to, where it links, and the values its placeholders may use. */
export interface Recipient {
  userId: number;
  /** The case in the console (a path; the push prefixes the public address). */
  link: string;
  values: Record<string, string>;
}

/**
 * Finds the person a case concerns. One per case type (`message_templates.case_type`); a new case
 * type (licence applications, certificates) declares its resolver in its module and registers it in the
 * composition root (`api/src/composition.ts`).
 */
export interface RecipientResolver {
  readonly caseType: string;
  /** Null when there is no such case. */
  resolve(caseKey: string): Promise<Recipient | null>;
}
