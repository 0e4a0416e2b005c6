import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A process group started by the harness; `stop()` ends the whole group and is safe to call twice. */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  output(): string;
  stop(): Promise<void>;
}

/** File listing the process groups the harness started, so a wrapper can reap them after a hard crash. */
export function pidFile(cwd = process.cwd()): string {
  return join(cwd, '.mailmon', 'emulator-pids');
}

function recordPid(pid: number): void {
  const file = pidFile();
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${pid}\n`);
}

function forgetPid(pid: number): void {
  const file = pidFile();
  try {
    const rest = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line && line !== String(pid));
    if (rest.length === 0) rmSync(file, { force: true });
    else writeFileSync(file, `${rest.join('\n')}\n`);
  } catch {
    // nothing recorded: nothing to forget
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Kills every process group listed in {@link pidFile}; used after a run that could not clean up itself. */
export function reapRecordedProcesses(cwd = process.cwd()): number[] {
  let pids: number[] = [];
  try {
    pids = readFileSync(pidFile(cwd), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
  const reaped = pids.filter((pid) => killGroup(pid, 'SIGKILL'));
  rmSync(pidFile(cwd), { force: true });
  return reaped;
}

/**
 * Starts `command` in its own process group (so a JVM and its launcher script die together)
 * and records its PID until it is stopped.
 */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): ManagedProcess {
  const child: ChildProcess = spawn(command, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  const pid = child.pid;
  recordPid(pid);
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopping: Promise<void> | undefined;
  return {
    name,
    pid,
    output: () => log,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          killGroup(pid, 'SIGTERM');
          const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), 3000);
          await exited;
          clearTimeout(timer);
        }
        // the launcher may have exited while the JVM it spawned lives on in the group
        killGroup(pid, 'SIGKILL');
        child.stdout?.destroy();
        child.stderr?.destroy();
        forgetPid(pid);
      })();
      return stopping;
    },
  };
}

/** Polls `url` until it answers 200, the process dies, or `timeoutMs` passes. */
export async function waitUntilReady(proc: ManagedProcess, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let dead = false;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (!killGroupAlive(proc.pid)) {
      dead = true;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await proc.stop();
  throw new Error(
    `${proc.name} ${dead ? 'exited before it was ready' : `was not ready after ${timeoutMs} ms`} (${url}).\n` +
      `Its output:\n${proc.output()}`,
  );
}

function killGroupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}
