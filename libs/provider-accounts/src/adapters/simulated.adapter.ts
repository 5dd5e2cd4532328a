import { SAMPLE_MP4, syntheticPng } from '@app/simulation';
import type { CancelOutcome, PollOutcome, ProviderAdapter, ProviderJob, SubmitOutcome } from '../provider.port';
import { SIZE_TABLE } from '../size-table';

export interface SimulatorTimings {
  imageMs: number;
  videoMs: number;
}

/**
 * Magic prompt markers that make a simulated (test-mode) job misbehave on purpose, so integrators
 * can exercise their error handling the way Stripe's test cards allow. Documented in the README.
 */
export const SIM_MAGIC = {
  fail: '[sim:fail]',
  moderation: '[sim:moderation]',
  stall: '[sim:stall]',
  slow: '[sim:slow]',
  flaky: '[sim:flaky]',
} as const;

/**
 * The built-in provider every test-mode job uses: no network, deterministic, real PNG and MP4
 * outputs. Status is a function of the time since submission, so any number of jobs costs nothing
 * while they wait.
 */
export class SimulatedAdapter implements ProviderAdapter {
  readonly name = 'simulated';

  constructor(private readonly timings: SimulatorTimings) {}

  async submit(job: ProviderJob): Promise<SubmitOutcome> {
    return { kind: 'accepted', taskId: `sim-${job.id}` };
  }

  async poll(job: ProviderJob): Promise<PollOutcome> {
    const prompt = job.request.prompt;
    const started = job.submittedAt?.getTime() ?? Date.now();
    const elapsed = Date.now() - started;
    const base = job.request.type === 'image' ? this.timings.imageMs : this.timings.videoMs;
    if (prompt.includes(SIM_MAGIC.stall)) {
      return { kind: 'processing', providerStatus: 'running' };
    }
    const due = prompt.includes(SIM_MAGIC.slow) ? base * 10 : base;
    if (elapsed < due) {
      // A flaky provider answers its first status check with a transient error.
      if (prompt.includes(SIM_MAGIC.flaky) && job.attempts === 0) {
        return { kind: 'transient', reason: 'simulated upstream 503' };
      }
      // The simulator knows when it will finish, so it says when to come back.
      return { kind: 'processing', providerStatus: elapsed < due / 3 ? 'queued' : 'running', nextCheckMs: Math.max(20, due - elapsed) };
    }
    if (prompt.includes(SIM_MAGIC.moderation)) {
      return { kind: 'failed', failure: { code: 'moderation_rejected', message: 'The input was rejected by content moderation.' } };
    }
    if (prompt.includes(SIM_MAGIC.fail)) {
      return { kind: 'failed', failure: { code: 'generation_failed', message: 'The provider could not generate this output.' } };
    }
    const completedAt = new Date(started + due);
    if (job.request.type === 'image') {
      const { width, height } = SIZE_TABLE[job.request.size];
      return {
        kind: 'completed',
        completedAt,
        output: { kind: 'bytes', bytes: syntheticPng({ width: width / 16, height: height / 16, seed: `${job.id}:${prompt}` }), contentType: 'image/png' },
      };
    }
    return { kind: 'completed', completedAt, output: { kind: 'bytes', bytes: SAMPLE_MP4, contentType: 'video/mp4' } };
  }

  async cancel(): Promise<CancelOutcome> {
    return { kind: 'canceled' };
  }

  pollPlan(job: ProviderJob): { firstMs: number; maxMs: number } {
    const base = job.request.type === 'image' ? this.timings.imageMs : this.timings.videoMs;
    return { firstMs: Math.max(20, base), maxMs: 2000 };
  }
}
