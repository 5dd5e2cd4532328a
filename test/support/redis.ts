import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from '@app/database';
import { waitFor } from './process';

export interface RedisProcess {
  url: string;
  port: number;
  stop(): Promise<void>;
}


/** A throw-away redis-server on a free loopback port, no persistence: for tests that kill Redis. */
export async function startRedis(): Promise<RedisProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString('utf8')));
  const ready = await waitFor(() => output.includes('Ready to accept connections') || child.exitCode !== null, 10_000);
  if (!ready || child.exitCode !== null) {
    child.kill('SIGKILL');
    throw new Error(`redis-server did not start:\n${output}`);
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}
