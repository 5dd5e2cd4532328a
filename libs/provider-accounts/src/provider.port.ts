import type { Readable } from 'node:stream';

export type JobType = 'image' | 'video';
export type Mode = 'live' | 'test';
export type ImageQuality = 'LOW' | 'MEDIUM';
export type Size = '16:9_SMALL' | '1:1_SMALL' | '2:3_SMALL' | '9:16_SMALL';
export type Strength = 'LOW' | 'MID' | 'HIGH';

/** What a job asks a provider for, after validation; never contains customer image bytes inline. */
export interface GenerationRequest {
  type: JobType;
  prompt: string;
  size: Size;
  quality?: ImageQuality;
  duration?: number;
  motionHasAudio?: boolean;
  reference?: { objectKey: string; contentType: string; strength: Strength; width: number; height: number };
  /** Library assets in prompt order ("Image 1", …): the Seedance adapter sends each as an `asset://` reference image. */
  assets?: { providerAssetId: string }[];
  /** Operator test generations run on the named account or not at all (never rerouted). */
  pinAccount?: boolean;
  /** The Volcengine account holding `assets`: route only to an APIYI account linked to it. */
  volcengineAccountId?: string;
}

/** The job as the adapter sees it: enough to submit and to poll, nothing about credits. */
export interface ProviderJob {
  id: string;
  mode: Mode;
  request: GenerationRequest;
  providerTaskId: string | null;
  providerAccountId: string | null;
  submittedAt: Date | null;
  attempts: number;
}

/** A finished output: bytes in hand (synchronous providers) or a URL to copy from. */
export type ProviderOutput =
  | { kind: 'bytes'; bytes: Buffer; contentType: string }
  | { kind: 'stream'; open: () => Promise<{ body: Readable; contentType: string; contentLength?: number }> };

export interface ProviderFailure {
  /** Provider-neutral code shown to customers (`moderation_rejected`, `generation_failed`, `timeout`…). */
  code: string;
  /** Provider-neutral, customer-safe message. */
  message: string;
}

export type SubmitOutcome =
  | { kind: 'accepted'; taskId: string }
  | { kind: 'completed'; taskId?: string; output: ProviderOutput }
  | { kind: 'failed'; failure: ProviderFailure }
  /**
   * Try again later. `reroute`: the job's account cannot take it (nothing reached the provider), so
   * the runner may move the job to another account first. `local`: our own upstream budget was
   * full; the call never left, so it does not count as an attempt.
   */
  | { kind: 'transient'; reason: string; retryAfterMs?: number; reroute?: boolean; local?: boolean }
  /** The request may have reached the provider but its answer was lost: never blindly resubmit. */
  | { kind: 'unknown'; reason: string };

export type PollOutcome =
  /**
   * `nextCheckMs`: when the provider says it will be worth asking again. `unfamiliar`: a status we do
   * not know; the job keeps polling (its deadline bounds it) and a metric counts it.
   */
  | { kind: 'processing'; providerStatus?: string; nextCheckMs?: number; unfamiliar?: boolean }
  /** `completedAt`: when the provider finished, if it says (for the settlement-lag metric). */
  | { kind: 'completed'; output: ProviderOutput; completedAt?: Date }
  | { kind: 'failed'; failure: ProviderFailure }
  | { kind: 'transient'; reason: string; retryAfterMs?: number; local?: boolean };

export type CancelOutcome = { kind: 'canceled' } | { kind: 'not_cancelable' };

/** The port the jobs module drives; one implementation per upstream, plus the simulator. */
export interface ProviderAdapter {
  readonly name: string;
  submit(job: ProviderJob, signal: AbortSignal): Promise<SubmitOutcome>;
  poll(job: ProviderJob, signal: AbortSignal): Promise<PollOutcome>;
  cancel?(job: ProviderJob, signal: AbortSignal): Promise<CancelOutcome>;
  /** Milliseconds until the first status check after submission, and the cap of the back-off. */
  pollPlan(job: ProviderJob): { firstMs: number; maxMs: number };
}
