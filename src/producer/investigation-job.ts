import { z } from 'zod';
import { type NormalizedAlarm, NormalizedAlarmSchema } from './alarm.js';
import { boundAlarm } from './bound-alarm.js';
import { MalformedJobError } from './errors.js';

/**
 * The documented job data on `promptrca-investigations`. Loose, so that fields a worker adds (the
 * stored assignment) survive a parse and a re-save.
 */
export const InvestigationJobDataSchema = z.looseObject({
  investigation_id: z.string().min(1),
  alarm: NormalizedAlarmSchema,
  received_at: z.string().min(1),
  source: z.string().min(1),
});
export type InvestigationJobData = z.infer<typeof InvestigationJobDataSchema>;

export interface InvestigationTarget {
  investigationId: string;
  alarm: NormalizedAlarm;
}

/** The job's data, checked, its alarm bounded as at parse (the job may come from another program). */
export function parseInvestigationJob(jobId: string, data: unknown): InvestigationJobData {
  const parsed = InvestigationJobDataSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(data)'}: ${issue.message}`);
    throw new MalformedJobError(
      `job ${jobId} is not an investigation: ${problems.join('; ')}; expected { investigation_id, alarm, received_at, source }`,
    );
  }
  if (parsed.data.investigation_id !== jobId) {
    throw new MalformedJobError(
      `job ${jobId} carries investigation_id ${JSON.stringify(parsed.data.investigation_id)}: the job id must be the investigation ID`,
    );
  }
  return { ...parsed.data, alarm: boundAlarm(parsed.data.alarm) };
}
