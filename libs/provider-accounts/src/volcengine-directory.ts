import { Injectable } from '@nestjs/common';
import { AccountPool } from './account-pool.service';
import { CredentialVault, type VolcengineCredentials } from './credentials';

export const DEFAULT_VOLCENGINE_BASE_URL = 'https://open.volcengineapi.com';

export interface UnsealedVolcengineAccount {
  id: string;
  label: string;
  baseUrl: string;
  region: string;
  projectName: string;
  accessKeyId: string;
  /** The raw secret; opened here for the asset library's signer, never logged or returned. */
  secretAccessKey: string;
}

/** The pool's usable Volcengine accounts, credentials opened, for the asset library. */
@Injectable()
export class VolcengineDirectory {
  constructor(
    private readonly pool: AccountPool,
    private readonly vault: CredentialVault,
  ) {}

  async list(): Promise<UnsealedVolcengineAccount[]> {
    const rows = await this.pool.usableOf('volcengine');
    return rows.flatMap((row) => {
      try {
        const credentials = this.vault.open<VolcengineCredentials>(row.id, row.credentials);
        return [
          {
            id: row.id,
            label: row.label,
            baseUrl: row.baseUrl ?? DEFAULT_VOLCENGINE_BASE_URL,
            region: row.region ?? 'cn-beijing',
            projectName: row.projectName ?? 'default',
            accessKeyId: credentials.accessKeyId,
            secretAccessKey: credentials.secretAccessKey,
          },
        ];
      } catch {
        // A ciphertext that does not open (wrong SECRETS_KEY, moved row) is not usable.
        return [];
      }
    });
  }

  async get(id: string): Promise<UnsealedVolcengineAccount | undefined> {
    return (await this.list()).find((a) => a.id === id);
  }
}
