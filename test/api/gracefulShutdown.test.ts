import { postGraphQL } from '../support/gatewayProcess';
import { startTestApp } from '../support/app';

describe('graceful shutdown', () => {
  it('finishes a request already in flight and stores all of it before closing', async () => {
    const t = await startTestApp('shutdown');
    const events = Array.from({ length: 200 }, (_, i) => ({
      type: 'TRACK',
      event: 'Clicked',
      anonymousId: `shutdown-${i % 20}`,
      messageId: `shutdown-${i}`,
    }));
    const inFlight = postGraphQL<{ trackEvents: { accepted: number } }>(
      t.url,
      'mutation($e: [EventInput!]!) { trackEvents(events: $e) { accepted } }',
      { e: events },
    );
    await new Promise((r) => setTimeout(r, 50)); // the request is being processed now
    const stopped = t.app.gateway.stop();
    const response = await inFlight;
    await stopped;
    expect(response.status).toBe(200);
    expect(response.body.data?.trackEvents.accepted).toBe(200);
    expect(await t.app.db.collection('events').countDocuments({})).toBe(200);
    // New connections are refused once stopped.
    await expect(fetch(`${t.url}/healthz`)).rejects.toThrow();
    await t.app.db.dropDatabase();
    await t.close();
  });
});
