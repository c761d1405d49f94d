import DataLoader from 'dataloader';
import type { ResilientSource } from './resilientSource';
import type { SourceResult } from './sourceAdapter';

export interface SourceIssue {
  source: string;
  /** True when at least one answer came from the cache. */
  stale: boolean;
  error: string;
}

/**
 * One GraphQL operation's view of the sources: a DataLoader per source, so every
 * profile's requests made in the same tick go out as one batch (one round trip per
 * source for a whole page of profiles), and a record of which sources did not answer.
 * Never shared between operations.
 */
export class SourceLoaders {
  private readonly loaders = new Map<string, DataLoader<unknown, SourceResult<unknown>, string>>();
  readonly issues = new Map<string, SourceIssue>();

  async load<Req, Res>(
    source: ResilientSource<Req, Res>,
    request: Req,
  ): Promise<SourceResult<Res>> {
    let loader = this.loaders.get(source.name) as
      DataLoader<Req, SourceResult<Res>, string> | undefined;
    if (loader === undefined) {
      loader = new DataLoader<Req, SourceResult<Res>, string>(
        (requests) => source.loadMany(requests),
        {
          cacheKeyFn: (r) => source.adapter.requestKey(r),
          maxBatchSize: source.policy.maxBatchSize,
        },
      );
      this.loaders.set(source.name, loader);
    }
    const result = await loader.load(request);
    if (result.error !== null) {
      const previous = this.issues.get(source.name);
      this.issues.set(source.name, {
        source: source.name,
        stale: (previous?.stale ?? false) || result.value !== null,
        error: result.error,
      });
    }
    return result;
  }
}
