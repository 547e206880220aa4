/**
 * `npm run demo`: the tracker with a simulated media stack behind it, playing requests until stopped.
 * PORT (default 8100, any free port when taken), HOST (default 127.0.0.1) and DEMO_SPEED (default 1)
 * are read from the environment.
 */
import { banner } from './demo/banner.js';
import { playScenarios } from './demo/scenarios.js';
import { startDemoStack } from './demo/stack.js';

const speed = Number(process.env.DEMO_SPEED ?? 1);
const stack = await startDemoStack({
  speed,
  port: process.env.PORT ? Number(process.env.PORT) : 8100,
  host: process.env.HOST || '127.0.0.1',
  logLevel: process.env.LOG_LEVEL || 'warn',
});
console.log(banner(stack));
const player = playScenarios(stack);

let stopping = false;
async function shutdown(code: number): Promise<void> {
  if (stopping) process.exit(code || 1); // a second Ctrl-C: do not wait
  stopping = true;
  console.log('\nStopping the demo…');
  await player.stop();
  await stack.close();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
player.done.catch((error: unknown) => {
  console.error('The demo stopped on an error:', error);
  void shutdown(1);
});
