// One source of truth for the bridge's declarations: python/auroraview/js/auroraview.d.ts
// (shipped with the Python wheel). This package keeps a byte-identical copy in
// src/auroraview.d.ts (it must be inside the package to be published).
//   node scripts/sync-types.mjs          copy the Python file over src/auroraview.d.ts
//   node scripts/sync-types.mjs --check  fail if the two differ (the build runs this)
//   node scripts/sync-types.mjs --dist   copy src/auroraview.d.ts into dist/ (after tsc)
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, "..");
const source = join(pkg, "..", "python", "auroraview", "js", "auroraview.d.ts");
const copy = join(pkg, "src", "auroraview.d.ts");
const mode = process.argv[2] ?? "--write";

if (mode === "--dist") {
  copyFileSync(copy, join(pkg, "dist", "auroraview.d.ts"));
} else if (!existsSync(source)) {
  // Outside auroraview's repository (an unpacked tarball): the copy is all there is.
  if (mode === "--check") process.exit(0);
  console.error(`sync-types: ${source} not found`);
  process.exit(1);
} else if (mode === "--check") {
  if (readFileSync(source, "utf8") !== readFileSync(copy, "utf8")) {
    console.error(
      "sync-types: js/src/auroraview.d.ts differs from python/auroraview/js/auroraview.d.ts;" +
        " edit the Python one and run `npm run sync-types`",
    );
    process.exit(1);
  }
} else {
  copyFileSync(source, copy);
  console.log(`sync-types: ${copy} updated`);
}
