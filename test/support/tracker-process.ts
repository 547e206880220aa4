import { type ChildProcess, spawn } from 'node:child_process';

const root = new URL('../..', import.meta.url);

export interface TrackerProcess {
  child: ChildProcess;
  port: number;
  /** Everything the process printed so far. */
  output(): string;
  /** SIGTERM (graceful) or SIGKILL (crash); resolves when the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs the real tracker (`src/main.ts`) as a child process, as `npm start` would, on a free port. */
export async function startTrackerProcess(env: Record<string, string>): Promise<TrackerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    // Vitest sets BASE_URL=/ for its own use; the tracker must not inherit it.
    env: {
      ...process.env,
      BASE_URL: 'http://127.0.0.1:8100',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tracker did not start: ${out}`)), 20_000);
    const check = () => {
      const match = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`tracker exited (${child.exitCode}): ${out}`));
    });
  });
  return {
    child,
    port,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      child.kill(signal);
      await exited;
    },
  };
}
