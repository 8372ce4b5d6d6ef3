/** See type-check.cjs. */
export declare function environmentTypeError(repoRoot: string): string | undefined;
