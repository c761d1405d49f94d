import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { combine, runLoad, type LoadResult, type LoadRun } from '../../lib/load';
import type { Call } from './streams';

/** Sends one batch; throws when it was not accepted. */
export type Send = (batch: Call[], signal?: AbortSignal) => Promise<void>;

/** `POST /v1/batch` with the write key, as a Segment SDK does; anything but a 200 throws. */
export function trackingApi(baseUrl: string, writeKey: string): Send {
  const url = `${baseUrl}/v1/batch`;
  const authorization = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
  return async (batch, signal) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify({ batch, sentAt: new Date().toISOString() }),
      ...(signal ? { signal } : {}),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`);
  };
}

/** Closed loop: every batch once, `concurrency` senders each with one batch in flight, in stream order. */
export function sendAll(
  batches: readonly Call[][],
  concurrency: number,
  send: Send,
): Promise<LoadRun> {
  let next = 0;
  return runLoad(
    { concurrency, durationMs: 3_600_000, maxOperations: batches.length, timeoutMs: 60_000 },
    (_, signal) => send(batches[next++]!, signal),
  );
}

export interface OpenLoopResult {
  /** Answer latencies of the batches, as a load result (rps: batches sent per second). */
  load: LoadResult;
  /** Events offered per second over the schedule. */
  offeredEventsPerSecond: number;
  /** The latest a batch left after its scheduled time (the sender's own lag), ms. */
  maxSendLatenessMs: number;
}

/**
 * Open loop: batch i leaves at start + i × interval whether or not the earlier ones were
 * answered, so a slow answer cannot slow the offered rate down (a closed loop would hide
 * the very queueing being measured).
 */
export async function sendOnSchedule(
  batches: readonly Call[][],
  intervalMs: number,
  send: Send,
): Promise<OpenLoopResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  let lateness = 0;
  let lastSent = 0;
  const inFlight: Promise<void>[] = [];
  const cpuBefore = process.cpuUsage();
  const begin = performance.now();
  for (let i = 0; i < batches.length; i++) {
    const due = begin + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await delay(wait);
    const sent = performance.now();
    lateness = Math.max(lateness, sent - due);
    lastSent = sent;
    inFlight.push(
      send(batches[i]!).then(
        () => void latencies.push(performance.now() - sent),
        (err: unknown) => {
          errors++;
          firstError ??= err instanceof Error ? err.message : String(err);
        },
      ),
    );
  }
  await Promise.all(inFlight);
  const elapsedMs = performance.now() - begin;
  const cpu = process.cpuUsage(cpuBefore);
  const run: LoadRun = {
    latenciesMs: latencies,
    errors,
    elapsedMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    firstError,
  };
  const events = batches.reduce((n, b) => n + b.length, 0);
  return {
    load: combine([run]),
    // Over the span the batches left in, plus the last one's own interval.
    offeredEventsPerSecond: events / ((lastSent - begin + intervalMs) / 1000),
    maxSendLatenessMs: lateness,
  };
}
