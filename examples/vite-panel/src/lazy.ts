// Loaded with a dynamic import() (a separate chunk in the build) and by the worker.
export function describe(): string {
  return "lazy chunk";
}

export function double(n: number): number {
  return n * 2;
}
