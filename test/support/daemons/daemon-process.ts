/**
 * Starting real download clients for integration tests: throwaway directories, free ports, wait
 * until the daemon answers, stop it (and everything it started) afterwards.
 *
 * In CI (`CI` set) a missing binary fails the run: these tests must really run there. On a developer
 * machine without the Debian packages they are skipped with a loud message.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';

function hasBinary(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * `describe` when every binary is installed; otherwise a loud skip locally and a failure in CI.
 */
export function describeWithBinaries(
  binaries: string[],
  title: string,
  body: () => void,
  install = 'apt-get install qbittorrent-nox transmission-daemon deluged deluge-web nzbget',
): void {
  const missing = binaries.filter((binary) => !hasBinary(binary));
  if (missing.length === 0) {
    describe(title, body);
    return;
  }
  const message = `${title}: missing ${missing.join(', ')} (${install})`;
  if (process.env.CI) throw new Error(`${message}; CI must run these tests`);
  console.warn(`\n!!! SKIPPED tests that need real programs — ${message}\n`);
  describe.skip(title, body);
}

export function throwawayDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `status-tracker-${prefix}-`));
}

/** A TCP port nothing listens on right now (the kernel picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningDaemon {
  readonly name: string;
  readonly process: ChildProcess;
  /** Everything the daemon wrote to stdout and stderr. */
  log(): string;
  stop(): Promise<void>;
}

export interface DaemonSpec {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Where its output goes; a file in a throwaway dir by default. */
  logFile?: string;
  /** Ready once this URL answers with any HTTP status... */
  readyUrl?: string;
  /** ...or once this TCP port accepts a connection. */
  readyPort?: number;
  readyTimeoutMs?: number;
}

const running = new Set<RunningDaemon>();
process.once('exit', () => {
  for (const daemon of running) daemon.process.kill('SIGKILL');
});

export async function startDaemon(spec: DaemonSpec): Promise<RunningDaemon> {
  const logFile = spec.logFile ?? join(throwawayDir(`${spec.name}-log`), 'daemon.log');
  const out = openSync(logFile, 'a');
  // stdin closed and no TTY: qBittorrent then skips its legal-notice prompt (real-clients.md).
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env },
    stdio: ['ignore', out, out],
  });
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const daemon: RunningDaemon = {
    name: spec.name,
    process: child,
    log: () => readFileSync(logFile, 'utf8'),
    async stop() {
      running.delete(daemon);
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exit;
      clearTimeout(timer);
    },
  };
  running.add(daemon);

  const deadline = Date.now() + (spec.readyTimeoutMs ?? 15_000);
  while (!(await isReady(spec))) {
    if (exited || Date.now() > deadline) {
      await daemon.stop();
      throw new Error(
        `${spec.name} did not start (${exited ? 'exited' : 'timed out'}):\n${daemon.log().slice(-2_000)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return daemon;
}

async function isReady(spec: DaemonSpec): Promise<boolean> {
  if (spec.readyUrl) {
    try {
      await fetch(spec.readyUrl, { signal: AbortSignal.timeout(1_000) });
      return true;
    } catch {
      return false;
    }
  }
  if (spec.readyPort) {
    return new Promise((resolve) => {
      const socket = new Socket();
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
      socket.connect(spec.readyPort as number, '127.0.0.1');
    });
  }
  return true;
}

export function ensureDir(path: string): string {
  mkdirSync(path, { recursive: true });
  return path;
}
