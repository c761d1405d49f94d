import { postGraphQL } from '../support/gatewayProcess';
import { startTestApp } from '../support/app';

describe('graceful shutdown', () => {
  it('finishes a request already in flight and stores all of it before closing', async () => {
    // A generous drain timeout: under a loaded CI machine the batch may take a while,
    // and this test is about draining, not about the timeout.
    const t = await startTestApp('shutdown', { MOSAIC_SHUTDOWN_TIMEOUT_MS: '60000' });
    const count = 60;
    const events = Array.from({ length: count }, (_, i) => ({
      type: 'TRACK',
      event: 'Clicked',
      anonymousId: `shutdown-${i % 10}`,
      messageId: `shutdown-${i}`,
    }));
    const inFlight = postGraphQL<{ trackEvents: { accepted: number } }>(
      t.url,
      'mutation($e: [EventInput!]!) { trackEvents(events: $e) { accepted } }',
      { e: events },
    );
    // Stop only once the server is visibly working on the request (its first event is
    // stored), so the request is certainly in flight, however slow the machine.
    const stored = t.app.db.collection('events');
    for (let i = 0; i < 200 && (await stored.countDocuments({})) === 0; i++) {
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(await stored.countDocuments({})).toBeGreaterThan(0);
    const stopped = t.app.gateway.stop();
    const response = await inFlight;
    await stopped;
    expect(response.status).toBe(200);
    expect(response.body.data?.trackEvents.accepted).toBe(count);
    expect(await stored.countDocuments({})).toBe(count);
    // New connections are refused once stopped.
    await expect(fetch(`${t.url}/healthz`)).rejects.toThrow();
    await t.close();
  }, 120_000);
});
