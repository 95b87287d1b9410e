export interface CanaryHit {
  readonly file: string;
  readonly line: number;
  readonly kind: string;
  readonly where?: string;
  readonly context?: string;
  readonly marker: string;
}

export interface CanaryScan {
  readonly files: number;
  readonly items: number;
  readonly produced: number;
  readonly byKind: Readonly<Record<string, number>>;
  readonly hits: readonly CanaryHit[];
}

export declare const CANARY_MARKERS: readonly { readonly name: string; readonly pattern: string }[];
export declare function findCanaries(text: string): string[];
export declare function scanCaptureDir(dir: string): Promise<CanaryScan>;
export declare function describeHit(hit: CanaryHit): string;
