/**
 * Calls to one statement, coalesced: while a statement is in flight, the calls that arrive
 * wait and then go together, as one statement for all of them. An idle caller's call goes
 * at once, alone (no timer, no added latency); under load, each round trip carries
 * everything that queued behind the last, so a bulk sync of many records costs a few
 * statements where it cost one per record. `runMany` answers the calls of a batch in
 * order; a batch that fails fails each of its calls.
 */
export class CoalescedCalls<In, Out> {
  private queue: { input: In; resolve: (out: Out) => void; reject: (err: unknown) => void }[] = [];
  private running = false;

  constructor(
    private readonly runMany: (inputs: In[]) => Promise<Out[]>,
    /** The most calls one statement carries. */
    private readonly maxBatch = 256,
  ) {}

  call(input: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const outs = await this.runMany(batch.map((c) => c.input));
          batch.forEach((c, i) => c.resolve(outs[i]!));
        } catch (err) {
          for (const c of batch) c.reject(err);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
