import type { ChildProcess } from 'node:child_process';

export interface TemporalDevServer {
  address: string;
  namespace: string;
  uiUrl: string | undefined;
  process: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/** Starts the Temporal dev server (SQLite) with the namespace and search attributes Ratsweg needs. */
export function startTemporalDevServer(options?: {
  dbFile?: string;
  port?: number;
  uiPort?: number;
  headless?: boolean;
  namespace?: string;
  dynamicConfig?: Record<string, unknown>;
  log?: (line: string) => void;
}): Promise<TemporalDevServer>;
