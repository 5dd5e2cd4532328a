import type { Readable } from 'node:stream';

export interface PutOptions {
  contentType: string;
  /** When known, the driver refuses a body of another length. */
  contentLength?: number;
}

export interface ObjectInfo {
  size: number;
  contentType: string;
  etag: string;
  lastModified: Date;
}

/** Inclusive byte range, already resolved against the object's size. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface ObjectBody extends ObjectInfo {
  stream: Readable;
  range?: ByteRange;
}

/** Where stored objects live. Bodies stream in and out; nothing buffers a whole video. */
export interface StorageDriver {
  readonly name: 'local' | 's3';
  put(key: string, body: Readable | Buffer, options: PutOptions): Promise<ObjectInfo>;
  head(key: string): Promise<ObjectInfo | null>;
  get(key: string, range?: ByteRange): Promise<ObjectBody | null>;
  delete(key: string): Promise<void>;
}

export const STORAGE_DRIVER = Symbol('STORAGE_DRIVER');
