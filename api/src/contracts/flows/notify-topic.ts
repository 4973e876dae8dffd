import { z } from 'zod';
import type { TopicContract } from './flow';

/**
 * 消息通知 (G5), the `notify` step any flow may use: its input mapping names the template
 * (`notifyTemplate`); the case is the registration (`registrationNo`, else the business key);
 * `notifyParams`, a JSON object of strings, fills placeholders the case does not supply.
 */
export const notifyTopic = {
  input: z.object({
    notifyTemplate: z.string().regex(/^[a-z0-9-]{1,64}$/),
    registrationNo: z.string().min(1).nullish(),
    notifyParams: z
      .string()
      .nullish()
      .transform((text, ctx) => {
        if (!text) return {};
        try {
          return z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,31}$/), z.union([z.string(), z.number()]).transform(String)).parse(JSON.parse(text));
        } catch {
          ctx.addIssue({ code: 'custom', message: 'notifyParams must be a JSON object of strings' });
          return z.NEVER;
        }
      }),
  }),
  output: z.object({}),
} satisfies TopicContract;
