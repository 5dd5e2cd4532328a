import type { ImageQuality, Size } from './provider.port';

/**
 * The one table mapping our public sizes to each upstream's parameters.
 * GPT Image 2 wants edges that are multiples of 16 (≤ 3840); Seedance takes a ratio and a
 * resolution (it has no 2:3, so 2:3 uses its nearest portrait ratio, 3:4). "SMALL" is 480p video.
 */
export const SIZE_TABLE: Record<Size, { gptImage: string; width: number; height: number; seedanceRatio: string; seedanceResolution: string }> = {
  '16:9_SMALL': { gptImage: '1536x864', width: 1536, height: 864, seedanceRatio: '16:9', seedanceResolution: '480p' },
  '1:1_SMALL': { gptImage: '1024x1024', width: 1024, height: 1024, seedanceRatio: '1:1', seedanceResolution: '480p' },
  '2:3_SMALL': { gptImage: '1024x1536', width: 1024, height: 1536, seedanceRatio: '3:4', seedanceResolution: '480p' },
  '9:16_SMALL': { gptImage: '864x1536', width: 864, height: 1536, seedanceRatio: '9:16', seedanceResolution: '480p' },
};

export const GPT_IMAGE_QUALITY: Record<ImageQuality, string> = { LOW: 'low', MEDIUM: 'medium' };
