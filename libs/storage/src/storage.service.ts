import { Inject, Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { APP_CONFIG, type AppConfig, DomainException } from '@app/common';
import { parseRange } from './byte-range';
import { assertValidStorageKey, isValidStorageKey } from './storage-key';
import { type ByteRange, type ObjectBody, type ObjectInfo, type PutOptions, STORAGE_DRIVER, type StorageDriver } from './storage.driver';
import { UrlSigner } from './url-signer';

export interface SignedUrl {
  url: string;
  expiresAt: Date;
}

export interface SignedDownloadRequest {
  key: string;
  exp: string | undefined;
  sig: string | undefined;
  range: string | undefined;
  ifNoneMatch: string | undefined;
  headOnly: boolean;
  now?: number;
}

export interface Download {
  status: 200 | 206 | 304 | 416;
  headers: Record<string, string>;
  body: Readable;
}

const MAX_TTL_SECONDS = 7 * 24 * 3600;

@Injectable()
export class StorageService {
  private readonly signer: UrlSigner;

  constructor(
    @Inject(STORAGE_DRIVER) private readonly driver: StorageDriver,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    if (config.secretsKey === undefined) {
      throw new Error('SECRETS_KEY is required to sign storage URLs');
    }
    this.signer = new UrlSigner(config.secretsKey);
  }

  put(key: string, body: Readable | Buffer, options: PutOptions): Promise<ObjectInfo> {
    return this.driver.put(key, body, options);
  }

  head(key: string): Promise<ObjectInfo | null> {
    return this.driver.head(key);
  }

  get(key: string, range?: ByteRange): Promise<ObjectBody | null> {
    return this.driver.get(key, range);
  }

  delete(key: string): Promise<void> {
    return this.driver.delete(key);
  }

  /** `${PUBLIC_BASE_URL}/files/<key>?exp=<unix seconds>&sig=<hmac>`, downloadable without a key until exp. */
  signedUrl(key: string, ttlSeconds: number, now = Date.now()): SignedUrl {
    assertValidStorageKey(key);
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
      throw new Error(`signedUrl ttl must be 1..${MAX_TTL_SECONDS} seconds`);
    }
    const exp = Math.floor(now / 1000) + ttlSeconds;
    const sig = this.signer.sign(key, exp);
    return { url: `${this.config.publicBaseUrl}/files/${key}?exp=${exp}&sig=${sig}`, expiresAt: new Date(exp * 1000) };
  }

  /**
   * Checks a signed link (signature first, then expiry: both 403 `forbidden`) and opens the object,
   * honouring a single byte range, for the files controller.
   */
  async openSignedDownload(request: SignedDownloadRequest): Promise<Download> {
    const { key, exp, sig } = request;
    if (exp === undefined || sig === undefined || !this.signer.verify(key, exp, sig)) {
      throw new DomainException('forbidden', 'This link is not valid');
    }
    const nowSeconds = Math.floor((request.now ?? Date.now()) / 1000);
    if (Number(exp) <= nowSeconds) {
      throw new DomainException('forbidden', 'This link has expired; ask for a new one');
    }
    // A signed key is one we minted, but check the pattern anyway before it becomes a path.
    if (!isValidStorageKey(key)) {
      throw new DomainException('not_found', 'Not found');
    }
    const info = await this.driver.head(key);
    if (info === null) {
      throw new DomainException('not_found', 'Not found');
    }
    const headers: Record<string, string> = {
      'content-type': info.contentType,
      'accept-ranges': 'bytes',
      etag: info.etag,
      'last-modified': info.lastModified.toUTCString(),
      'cache-control': `private, max-age=${Math.max(0, Number(exp) - nowSeconds)}`,
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
    };
    if (request.ifNoneMatch !== undefined && request.ifNoneMatch.split(',').some((tag) => tag.trim() === info.etag || tag.trim() === '*')) {
      return { status: 304, headers, body: Readable.from([]) };
    }
    const wanted = parseRange(request.range, info.size);
    if (wanted.kind === 'unsatisfiable') {
      return { status: 416, headers: { ...headers, 'content-range': `bytes */${info.size}`, 'content-length': '0' }, body: Readable.from([]) };
    }
    const range = wanted.kind === 'partial' ? wanted.range : undefined;
    const length = range ? range.end - range.start + 1 : info.size;
    headers['content-length'] = String(length);
    if (range) {
      headers['content-range'] = `bytes ${range.start}-${range.end}/${info.size}`;
    }
    const status = range ? 206 : 200;
    if (request.headOnly || length === 0) {
      return { status, headers, body: Readable.from([]) };
    }
    const object = await this.driver.get(key, range);
    if (object === null) {
      throw new DomainException('not_found', 'Not found');
    }
    return { status, headers, body: object.stream };
  }
}
