import type { PricingTable } from '@app/common';
import type { ImageQuality } from '@app/provider-accounts';

export type PriceInput =
  | { type: 'image'; quality: ImageQuality }
  | { type: 'video'; duration: number; motionHasAudio: boolean };

/** CONTRACT §2.2, with the configured overrides and the plan's own where it has them. */
export function priceOf(input: PriceInput, planCode: string, table: PricingTable): number {
  const plan = table.plans[planCode];
  if (input.type === 'image') {
    return plan?.image?.[input.quality] ?? table.image[input.quality];
  }
  const perSecond = input.motionHasAudio
    ? (plan?.video?.perSecondWithAudio ?? table.video.perSecondWithAudio)
    : (plan?.video?.perSecond ?? table.video.perSecond);
  return perSecond * input.duration;
}
