/** See code-cache.cjs. */
export declare function requireWithCodeCache(file: string): unknown;
