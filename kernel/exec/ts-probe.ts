// Loaded once by the executor to learn whether Node's module loader already runs TypeScript.
export const typescriptLoads: boolean = true;
