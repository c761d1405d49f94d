import type { OrderStore, OrdersAnswer, OrdersRequest } from '../orders/orderStore';
import type { SourceAdapter } from './sourceAdapter';

/**
 * Orders in PostgreSQL, found by customer id: one SQL statement per batch, whatever the
 * number of profiles in it (see `OrderStore.loadMany`).
 */
export function createOrdersSource(store: OrderStore): SourceAdapter<OrdersRequest, OrdersAnswer> {
  return {
    name: 'orders',
    keyedBy: 'CUSTOMER_ID',
    maxBatchSize: 1_000,
    requestKey: (r) =>
      JSON.stringify([
        [...r.customerIds].sort(),
        r.first,
        r.after ? [r.after.placedAt.toISOString(), r.after.orderId] : null,
      ]),
    loadMany: (requests) => store.loadMany(requests),
  };
}
