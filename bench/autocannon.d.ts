// autocannon ships no types; only the call bench/load.ts makes is declared.
declare module 'autocannon' {
  function autocannon(options: Record<string, unknown>, callback: (error: Error | null, result: never) => void): unknown;
  export default autocannon;
}
