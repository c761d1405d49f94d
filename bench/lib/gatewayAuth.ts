/**
 * The bootstrap admin key the benchmark's gateways are configured with (MOSAIC_ADMIN_KEY)
 * and its requests send: GraphQL is authenticated, and the benchmark measures it so.
 */
export const BENCH_ADMIN_KEY = 'bench-admin-key-0123456789';
export const BENCH_AUTHORIZATION = `Bearer ${BENCH_ADMIN_KEY}`;
