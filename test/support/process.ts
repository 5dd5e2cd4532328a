import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const GATEWAY_MAIN = resolve(__dirname, '../../dist/apps/gateway/apps/gateway/src/main.js');

export interface GatewayProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Sends a signal and resolves with the exit code and how long the exit took. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
}

/** Runs the built gateway (dist/) as a real process and waits until it listens. */
export async function spawnGateway(env: Record<string, string>, timeoutMs = 60_000): Promise<GatewayProcess> {
  const { child, output } = runGateway(env);
  const port = env.PORT;
  const ready = await waitFor(() => output().includes('credit-gateway is running') || child.exitCode !== null, timeoutMs);
  if (!ready || child.exitCode !== null) {
    child.kill('SIGKILL');
    throw new Error(`gateway did not start:\n${output()}`);
  }
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    output,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolveStop) => {
        const started = Date.now();
        if (child.exitCode !== null) {
          resolveStop({ code: child.exitCode, ms: 0 });
          return;
        }
        child.once('exit', (code) => resolveStop({ code, ms: Date.now() - started }));
        child.kill(signal);
      }),
  };
}

/** Runs the built gateway without waiting: for start-up failures. */
export function runGateway(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [GATEWAY_MAIN], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (d: Buffer) => (text += d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => (text += d.toString('utf8')));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => text, exited };
}

export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) {
      return true;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return false;
}
