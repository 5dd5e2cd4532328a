export * from './storage.module';
export { StorageService, type SignedUrl } from './storage.service';
export type { StorageDriver, PutOptions, ObjectInfo, ObjectBody, ByteRange } from './storage.driver';
export { STORAGE_DRIVER } from './storage.driver';
export { LocalStorageDriver } from './local-storage.driver';
export { S3StorageDriver } from './s3-storage.driver';
export { isValidStorageKey } from './storage-key';
export { parseRange } from './byte-range';
export { UrlSigner } from './url-signer';
