import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLContext } from '../context';

/**
 * Tells the client, in `extensions.sources`, which sources did not answer during the
 * operation and whether what it got from them is a cached (stale) answer, so a frontend
 * can show "orders as of 10:02" instead of silently showing old data.
 */
export const sourceIssuesExtension: ApolloServerPlugin<Pick<GraphQLContext, 'sources'>> = {
  requestDidStart() {
    return Promise.resolve({
      willSendResponse({ response, contextValue }) {
        const issues = [...contextValue.sources.loaders.issues.values()];
        if (issues.length > 0 && response.body.kind === 'single') {
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, sources: issues };
        }
        return Promise.resolve();
      },
    });
  },
};
