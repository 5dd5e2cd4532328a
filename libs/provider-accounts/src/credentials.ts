import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, SecretBox, maskSecret } from '@app/common';
import type { ProviderName } from './provider-account.entity';

export interface ApiyiCredentials {
  /** `sk-…`, sent as `Authorization: Bearer` to generation endpoints. */
  apiKey: string;
  /** System access token for `GET /api/user/self` (balance); optional. */
  accessToken?: string;
}

export interface VolcengineCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export type AccountCredentials = ApiyiCredentials | VolcengineCredentials;

/**
 * Seals and opens account credentials (AES-256-GCM under SECRETS_KEY, the account id as AAD, so a
 * ciphertext copied to another row does not open). Opened only inside an upstream call.
 */
@Injectable()
export class CredentialVault {
  private readonly box: SecretBox;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    if (config.secretsKey === undefined) {
      throw new Error('SECRETS_KEY is required to store provider credentials');
    }
    this.box = new SecretBox(config.secretsKey);
  }

  seal(accountId: string, credentials: AccountCredentials): string {
    return this.box.seal(JSON.stringify(credentials), accountId);
  }

  open<T extends AccountCredentials>(accountId: string, sealed: string): T {
    return JSON.parse(this.box.open(sealed, accountId)) as T;
  }

  /** What responses show instead of the secret: `sk-…9f2c`, `AKLT…1234`. */
  static hint(provider: ProviderName, credentials: AccountCredentials): string {
    if (provider === 'apiyi') {
      const c = credentials as ApiyiCredentials;
      return c.accessToken ? `${maskSecret(c.apiKey)} (+ access token …${c.accessToken.length >= 12 ? c.accessToken.slice(-4) : ''})` : maskSecret(c.apiKey);
    }
    const c = credentials as VolcengineCredentials;
    return `${c.accessKeyId.slice(0, 4)}…${c.accessKeyId.length >= 12 ? c.accessKeyId.slice(-4) : ''}`;
  }
}
