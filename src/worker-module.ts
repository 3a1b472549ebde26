/**
 * Where a worker thread's module is: the compiled .js beside the caller in dist, or,
 * when the caller runs from its TypeScript source (the test runner), the .ts source
 * loaded through tsx.
 */
export function workerModule(callerUrl: string, name: string): { url: URL; execArgv: string[] } {
  return callerUrl.endsWith('.ts')
    ? { url: new URL(`./${name}.ts`, callerUrl), execArgv: ['--import', 'tsx'] }
    : { url: new URL(`./${name}.js`, callerUrl), execArgv: [] };
}
