import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { AppConfig } from '@app/common';
import { assertValidStorageKey } from './storage-key';
import type { ByteRange, ObjectBody, ObjectInfo, PutOptions, StorageDriver } from './storage.driver';

const PART_SIZE = 8 * 1024 * 1024;

/** S3 or any S3-compatible store (MinIO, R2, …). Uploads stream through multipart in bounded parts. */
export class S3StorageDriver implements StorageDriver {
  readonly name = 's3' as const;
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(s3: AppConfig['s3'], overrides: Partial<S3ClientConfig> = {}) {
    if (s3.bucket === undefined) {
      throw new Error('S3_BUCKET is required when STORAGE_DRIVER=s3');
    }
    this.bucket = s3.bucket;
    this.client = new S3Client({
      region: s3.region ?? 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: s3.forcePathStyle,
      credentials: s3.accessKeyId && s3.secretAccessKey ? { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } : undefined,
      // Many S3-compatible stores reject the SDK's newer default (aws-chunked bodies with trailing
      // checksums); send checksums only where the API requires them.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...overrides,
    });
  }

  async put(key: string, body: Readable | Buffer, options: PutOptions): Promise<ObjectInfo> {
    assertValidStorageKey(key);
    // Memory stays bounded by queueSize × partSize whatever the object's size. The declared length
    // is checked after the upload instead of being sent: a short body would otherwise stall the request.
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: body, ContentType: options.contentType },
      queueSize: 2,
      partSize: PART_SIZE,
      leavePartsOnError: false,
    });
    await upload.done();
    const info = await this.head(key);
    if (info === null) {
      throw new Error(`Storage put ${key}: object missing after upload`);
    }
    if (options.contentLength !== undefined && info.size !== options.contentLength) {
      await this.delete(key);
      throw new Error(`Storage put ${key}: expected ${options.contentLength} bytes, stored ${info.size}`);
    }
    return info;
  }

  async head(key: string): Promise<ObjectInfo | null> {
    assertValidStorageKey(key);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        size: out.ContentLength ?? 0,
        contentType: out.ContentType ?? 'application/octet-stream',
        etag: out.ETag ?? `"${key}"`,
        lastModified: out.LastModified ?? new Date(0),
      };
    } catch (error) {
      if (isNotFound(error)) {
        return null;
      }
      throw error;
    }
  }

  async get(key: string, range?: ByteRange): Promise<ObjectBody | null> {
    assertValidStorageKey(key);
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
      );
      const total = /\/(\d+)$/.exec(out.ContentRange ?? '');
      return {
        stream: out.Body as Readable,
        range,
        size: total ? Number(total[1]) : (out.ContentLength ?? 0),
        contentType: out.ContentType ?? 'application/octet-stream',
        etag: out.ETag ?? `"${key}"`,
        lastModified: out.LastModified ?? new Date(0),
      };
    } catch (error) {
      if (isNotFound(error)) {
        return null;
      }
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    assertValidStorageKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  onModuleDestroy(): void {
    this.client.destroy();
  }
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
}
