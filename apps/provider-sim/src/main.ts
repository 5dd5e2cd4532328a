import { readFileSync } from 'node:fs';
import { createProviderSim } from './provider-sim';
import { type ProviderSimOptions, SIM_DEMO_ACCOUNTS } from './sim.options';

// SIM_PORT (default 4010), SIM_HOST (default 127.0.0.1; 0.0.0.0 in containers), SIM_PUBLIC_URL
// (base of the video URLs handed out), SIM_CONFIG (a JSON file of ProviderSimOptions; without it
// the demo accounts in SIM_DEMO_ACCOUNTS are configured).
async function main(): Promise<void> {
  const env = process.env;
  const fromFile: ProviderSimOptions = env.SIM_CONFIG ? (JSON.parse(readFileSync(env.SIM_CONFIG, 'utf8')) as ProviderSimOptions) : SIM_DEMO_ACCOUNTS;
  const sim = await createProviderSim({
    ...fromFile,
    host: env.SIM_HOST ?? fromFile.host ?? '127.0.0.1',
    port: env.SIM_PORT ? Number(env.SIM_PORT) : (fromFile.port ?? 4010),
    publicUrl: env.SIM_PUBLIC_URL ?? fromFile.publicUrl,
  });
  process.stdout.write(`provider-sim listening on ${sim.url}\n`);
  const stop = () => {
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`provider-sim failed to start: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
