/** A Seedance `content` item referencing a library asset (UPSTREAMS.md: APIYI Seedance). */
export interface AssetContentItem {
  type: 'image_url';
  image_url: { url: string };
  role: 'reference_image';
}

/**
 * The content items for a job's `request.assets`, in order: the prompt calls them "Image 1",
 * "Image 2", … in this order. The Seedance adapter appends these after the text item.
 */
export function assetContentItems(assets: readonly { providerAssetId: string }[] | undefined): AssetContentItem[] {
  return (assets ?? []).map((a) => ({ type: 'image_url', image_url: { url: `asset://${a.providerAssetId}` }, role: 'reference_image' }));
}
