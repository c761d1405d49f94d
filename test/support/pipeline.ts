import type { Services } from '../../src/services';

/**
 * Waits until every accepted event is applied to profiles (the resolution pipeline runs
 * behind the tracking API and `trackEvents`): what a test does before reading what it sent,
 * or before counting what is stored.
 */
export async function pipelineDrained(
  services: Pick<Services, 'intake'>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { waiting } = await services.intake.backlog();
    if (waiting === 0) return;
    if (Date.now() > deadline)
      throw new Error(`the pipeline still had ${waiting} events waiting after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
