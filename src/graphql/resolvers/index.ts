import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import type { Resolvers } from '../generated/resolvers-types';
import { ReviewItem } from './Matching';
import { Mutation } from './Mutation';
import { CurrencyTotal, Event, MergeLogEntry, Profile } from './Profile';
import { Query } from './Query';
import { Segment, SegmentMembershipChange } from './Segment';
import { Subscription } from './Subscription';

export const resolvers: Resolvers = {
  DateTime: DateTimeResolver,
  JSON: JSONResolver,
  // Store values are the Segment spec's lower-case names.
  EventType: {
    IDENTIFY: 'identify',
    TRACK: 'track',
    PAGE: 'page',
    SCREEN: 'screen',
    GROUP: 'group',
    ALIAS: 'alias',
  },
  SourceName: { CRM: 'crm', ORDERS: 'orders', EVENTS: 'events' },
  Role: { READER: 'reader', WRITER: 'writer', DASHBOARD: 'dashboard', ADMIN: 'admin' },
  OrderStatus: {
    PENDING: 'pending',
    COMPLETED: 'completed',
    CANCELLED: 'cancelled',
    REFUNDED: 'refunded',
  },
  Query,
  Mutation,
  Subscription,
  Profile,
  MergeLogEntry,
  Event,
  CurrencyTotal,
  Segment,
  SegmentMembershipChange,
  MembershipChange: { ENTERED: 'entered', LEFT: 'left' },
  ReviewItem,
  ReviewStatus: {
    OPEN: 'open',
    ACCEPTED: 'accepted',
    REJECTED: 'rejected',
    SUPERSEDED: 'superseded',
  },
};
