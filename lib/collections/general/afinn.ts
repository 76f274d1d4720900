/** The AFINN-165 sentiment lexicon shipped in the `sentiment` package: word → score −5…5. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

let lexicon: Map<string, number> | undefined;

/** Single-word entries only (AFINN also lists phrases such as "cool stuff"). */
export function afinn(): Map<string, number> {
  if (!lexicon) {
    const require = createRequire(import.meta.url);
    const dir = dirname(require.resolve("sentiment/package.json"));
    const raw = JSON.parse(readFileSync(join(dir, "languages/en/labels.json"), "utf8")) as Record<string, number>;
    lexicon = new Map(Object.entries(raw).filter(([w, s]) => /^[a-z]+$/.test(w) && s !== 0));
  }
  return lexicon;
}
