import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import type { Resolvers } from '../generated/resolvers-types';
import { Clustering, ClusteringRun } from './Clustering';
import { ConsentProfile } from './Consent';
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
  AuditAction: {
    API_KEY_CREATED: 'api_key_created',
    API_KEY_REVOKED: 'api_key_revoked',
    PROFILES_MERGED: 'profiles_merged',
    PROFILE_UNMERGED: 'profile_unmerged',
    REVIEW_RESOLVED: 'review_resolved',
    PERSON_EXPORTED: 'person_exported',
    PERSON_ERASED: 'person_erased',
  },
  AuditStatus: { STARTED: 'started', DONE: 'done', FAILED: 'failed' },
  OrderStatus: {
    PENDING: 'pending',
    COMPLETED: 'completed',
    CANCELLED: 'cancelled',
    REFUNDED: 'refunded',
  },
  Query,
  Mutation,
  Subscription,
  Profile: { ...Profile, ...ConsentProfile },
  MergeLogEntry,
  Event,
  CurrencyTotal,
  Segment,
  SegmentMembershipChange,
  Clustering,
  ClusteringRun,
  MembershipChange: { ENTERED: 'entered', LEFT: 'left' },
  ReviewItem,
  ReviewStatus: {
    OPEN: 'open',
    ACCEPTED: 'accepted',
    REJECTED: 'rejected',
    SUPERSEDED: 'superseded',
  },
};
