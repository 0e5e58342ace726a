import { z } from 'zod';

/**
 * A change of the live rollout as `notify` announces it: what the rollout audit stored (time, who,
 * why, each field old → new), and whether the guard made it.
 */
export const RolloutChangeNoticeSchema = z.object({
  at: z.string(),
  who: z.string(),
  reason: z.string().nullable(),
  changes: z.array(z.object({ field: z.string(), old: z.string().nullable(), new: z.string() })),
  /** True when the guard made it, false when a person did. */
  automatic: z.boolean(),
});
export type RolloutChangeNotice = z.infer<typeof RolloutChangeNoticeSchema>;
