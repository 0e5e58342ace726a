import { Counter, collectDefaultMetrics, Registry } from 'prom-client';
import type { GuardRun } from './guard-runner.js';

/** The guard's `/metrics`: the process' own figures and its looks by outcome. */
export class GuardMetrics {
  readonly registry = new Registry();
  private readonly looks = new Counter({
    name: 'promptrca_guard_looks_total',
    help: 'Looks of the rollout guard by outcome (roll_back, healthy, inconclusive, failed: could not evaluate)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  private readonly rollbacks = new Counter({
    name: 'promptrca_guard_rollbacks_total',
    help: 'Rollbacks the guard stored',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  recordRun(run: GuardRun): void {
    this.looks.inc({ outcome: run.evaluation.outcome });
    if (run.rolled_back) this.rollbacks.inc();
  }

  recordFailure(): void {
    this.looks.inc({ outcome: 'failed' });
  }
}
