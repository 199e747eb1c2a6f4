import { defineConfig } from "vite";

// The built panel is served from auroraview's asset root (auroraview://localhost/), or
// opened by `vite dev` in a browser. Relative URLs work in both.
export default defineConfig({
  base: "./",
  worker: { format: "es" },
  build: { target: "es2022" },
});
