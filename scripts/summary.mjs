// One closing line for the whole suite: vitest's counts plus the conformance areas.
import fs from "node:fs";

const [vitestJson, conformanceLog] = process.argv.slice(2);
let passed = 0;
let failed = 0;
try {
  const report = JSON.parse(fs.readFileSync(vitestJson, "utf8"));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
} catch {
  failed += 1; // no report means vitest did not finish
}
const areas = /(\d+) of (\d+) areas passed/.exec(fs.existsSync(conformanceLog) ? fs.readFileSync(conformanceLog, "utf8") : "");
if (areas) {
  passed += Number(areas[1]);
  failed += Number(areas[2]) - Number(areas[1]);
} else {
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed`);
