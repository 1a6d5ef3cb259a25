/** A way to run one exported case of a conformance module with `np` parts on some backend. */
export interface BackendRunner {
  readonly name: string;
  /** Part counts every case runs with on this backend (unless the case restricts itself). */
  readonly partCounts: readonly number[];
  /**
   * Runs `cases[exportName]` with `np` parts. `moduleName` is the conformance module's base name
   * (`test/conformance/<moduleName>.ts`, compiled to `dist/test/conformance/<moduleName>.js`) for
   * backends that must import the driver in another thread or process.
   */
  run(np: number, moduleName: string, cases: Record<string, unknown>, exportName: string): Promise<unknown>;
}
