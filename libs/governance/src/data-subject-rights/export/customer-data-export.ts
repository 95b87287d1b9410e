/** The machine-readable answer to an access or portability request (Art. 15/20 GDPR). */
export const CUSTOMER_DATA_EXPORT_FORMAT = 'kairos.customer-data-export';

export interface CustomerDataExportSectionManifest {
  readonly name: string;
  readonly description: string;
  readonly count: number;
  readonly recordIds: readonly string[];
  /** sha256 of the section's records as serialised in this document, so a copy can be checked for completeness. */
  readonly sha256: string;
}

export interface CustomerDataExportRecord {
  readonly id: string;
  readonly recordedAt?: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface CustomerDataExport {
  readonly format: typeof CUSTOMER_DATA_EXPORT_FORMAT;
  readonly formatVersion: 1;
  readonly requestId: string;
  readonly customerId: string;
  readonly generatedAt: string;
  readonly manifest: {
    readonly sections: readonly CustomerDataExportSectionManifest[];
    readonly totalRecords: number;
  };
  readonly sections: Readonly<Record<string, readonly CustomerDataExportRecord[]>>;
}
