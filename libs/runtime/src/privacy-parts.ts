import { KairosConfig } from '@kairos/config';
import { CustomerKeyRepository, ErasureRepository } from '@kairos/persistence';
import { CustomerKeyring, PersonalDataOpener, PersonalDataSealer, loadOrCreateMasterKey, parseMasterKey } from '@kairos/privacy';
import type { DataSource } from 'typeorm';

/** Crypto-shredding: the keyring of per-customer data keys and the sealer/opener that must always be wired together. */
export interface PrivacyParts {
  readonly keyring: CustomerKeyring;
  /** Seals personal fields at ingestion, before they reach the log. */
  readonly sealer: PersonalDataSealer;
  /** Opens them for the fold, the export and explanations; a destroyed key leaves the field absent. */
  readonly opener: PersonalDataOpener;
  readonly erasures: ErasureRepository;
}

export function openPrivacy(config: KairosConfig, database: DataSource): PrivacyParts {
  // With PostgreSQL every process must share the key-encryption key (config enforces it); embedded keeps its own.
  const masterKey = config.masterKey ? parseMasterKey(config.masterKey) : loadOrCreateMasterKey(config.dataDir);
  const keyring = new CustomerKeyring(new CustomerKeyRepository(database), masterKey);
  return { keyring, sealer: new PersonalDataSealer(keyring), opener: new PersonalDataOpener(keyring), erasures: new ErasureRepository(database) };
}
