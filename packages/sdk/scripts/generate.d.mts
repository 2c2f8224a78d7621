export const OUTPUT: string;
/** The TypeScript module for an OpenAPI document (a pure function of the document). */
export function renderTypes(document: unknown): Promise<string>;
export function documentFromSource(): Promise<unknown>;
export function documentFromUrl(baseUrl: string): Promise<unknown>;
