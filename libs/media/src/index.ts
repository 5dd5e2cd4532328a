export * from './media.module';
export * from './media.service';
export { SafeFetcher, MAX_IMAGE_BYTES, UrlRefusedError, type SafeFetcherOptions, type FetchedResource, type HostResolver, type ResolvedAddress } from './safe-fetcher';
export { classifyIp, type IpClass } from './ip-address';
export { sniffImage, type ImageContentType, type ImageInfo } from './image-sniff';
export { decodeReferenceImage, validateImageBytes, presentImageSources, type DecodedImage, type ImageSourceInput } from './reference-image';
export { ImageSourceDto, ReferenceImageDto, ReferenceStrength, ReferenceImageField, HasExactlyOneImageSource } from './reference-image.dto';
