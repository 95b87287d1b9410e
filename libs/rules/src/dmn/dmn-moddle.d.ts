// dmn-moddle ships no type declarations; this is the part of its API we use.
declare module 'dmn-moddle' {
  export interface ModdleParseResult {
    rootElement: unknown;
    warnings: { message: string }[];
  }

  export class DmnModdle {
    constructor(packages?: Record<string, unknown>);
    fromXML(xml: string, typeName?: string | Record<string, unknown>): Promise<ModdleParseResult>;
    toXML(element: unknown, options?: { format?: boolean; preamble?: boolean }): Promise<{ xml: string }>;
  }
}
