import type { ChildProcess } from 'node:child_process';

/** What /readyz answers: its status and each check's verdict. */
export async function readyz(baseUrl: string) {
  const res = await fetch(`${baseUrl}/readyz`);
  return {
    status: res.status,
    body: (await res.json()) as { checks: Record<string, { ok: boolean }> },
  };
}

/**
 * One Segment `track` call through the tracking API, as a client keeps sending during a
 * fault: its status (0 when no answer came within `timeoutMs`), body and time taken.
 */
export async function sendTrack(
  baseUrl: string,
  writeKey: string,
  messageId: string,
  timeoutMs = 30_000,
): Promise<{ id: string; status: number; body: string; ms: number }> {
  const started = Date.now();
  const res = await fetch(`${baseUrl}/v1/track`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
    },
    body: JSON.stringify({
      messageId,
      userId: `user-${messageId.length % 7}`,
      event: 'Tick',
      timestamp: new Date().toISOString(),
    }),
    signal: AbortSignal.timeout(timeoutMs),
  }).catch(() => null);
  return {
    id: messageId,
    status: res?.status ?? 0,
    body: res ? await res.text() : '',
    ms: Date.now() - started,
  };
}

/**
 * One `/v1/batch` call's events: ten visitors' track calls, each visitor identifying
 * (anonymous id → user id) at its last event. Message ids are `${prefix}-${i}`.
 */
export function visitorBatch(prefix: string, size = 100): { messageId: string }[] {
  return Array.from({ length: size }, (_, i) => {
    const messageId = `${prefix}-${i}`;
    const visitor = `${prefix}-v-${i % 10}`;
    return i % 10 === 9
      ? { type: 'identify', anonymousId: visitor, userId: `u-${visitor}`, messageId }
      : { type: 'track', anonymousId: visitor, event: `E${i}`, messageId };
  });
}

/** Sends a `/v1/batch` call signed with the write key; returns the HTTP status. */
export async function postBatch(
  baseUrl: string,
  writeKey: string,
  batch: unknown[],
): Promise<number> {
  const res = await fetch(`${baseUrl}/v1/batch`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
    },
    body: JSON.stringify({ batch }),
  });
  await res.arrayBuffer();
  return res.status;
}

/** SIGKILLs a server process of a test's own and waits until it is gone. */
export async function killProcess(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** A gateway process's pipeline backlog (`pipelineStatus.backlog`), or null if it did not answer. */
export async function backlogVia(baseUrl: string): Promise<number | null> {
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ pipelineStatus { backlog } }' }),
  }).catch(() => null);
  const body = (await res?.json().catch(() => null)) as {
    data?: { pipelineStatus: { backlog: number } };
  } | null;
  return body?.data?.pipelineStatus.backlog ?? null;
}

/**
 * Waits until a gateway process's pipeline has applied every accepted event, e.g. before
 * counting what the store holds.
 */
export async function drainedVia(baseUrl: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await backlogVia(baseUrl)) !== 0) {
    if (Date.now() > deadline) throw new Error(`the pipeline did not drain in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
