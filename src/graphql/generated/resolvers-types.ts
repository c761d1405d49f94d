import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { ProfileDoc, EventDoc, MergePointerDoc, SourceSummaryDoc } from '../../store/models';
import type { GraphQLContext } from '../context';
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An ISO 8601 date-time in UTC, e.g. `2026-11-21T10:15:00.000Z`. */
  DateTime: { input: Date; output: Date; }
  /** Any JSON value. Objects must not have keys starting with `$` or containing `.`. */
  JSON: { input: unknown; output: unknown; }
};

/** A postal address as the CRM holds it. */
export type AddressInput = {
  city?: InputMaybe<Scalars['String']['input']>;
  /** ISO 3166-1 country code or name, as the CRM stores it. */
  country?: InputMaybe<Scalars['String']['input']>;
  line1?: InputMaybe<Scalars['String']['input']>;
  line2?: InputMaybe<Scalars['String']['input']>;
  postalCode?: InputMaybe<Scalars['String']['input']>;
  region?: InputMaybe<Scalars['String']['input']>;
};

/** A contact as a CRM system sends it. Sending the same contact again changes nothing. */
export type CrmContactInput = {
  address?: InputMaybe<AddressInput>;
  /** Further CRM fields, stored as traits (keys must not start with `$` or contain `.`). */
  attributes?: InputMaybe<Scalars['JSON']['input']>;
  /** Date of birth as YYYY-MM-DD. */
  birthDate?: InputMaybe<Scalars['String']['input']>;
  /** The contact's id in the CRM; the same crmId always updates the same record. */
  crmId: Scalars['String']['input'];
  /** Email addresses (at most 20); matched case-insensitively. */
  emails?: InputMaybe<Array<Scalars['String']['input']>>;
  firstName?: InputMaybe<Scalars['String']['input']>;
  lastName?: InputMaybe<Scalars['String']['input']>;
  /** Phone numbers (at most 20), any common format; stored in E.164. */
  phones?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** A stored behavioral event. */
export type Event = {
  __typename?: 'Event';
  anonymousId?: Maybe<Scalars['String']['output']>;
  event?: Maybe<Scalars['String']['output']>;
  /** The event's messageId. */
  id: Scalars['ID']['output'];
  name?: Maybe<Scalars['String']['output']>;
  properties: Scalars['JSON']['output'];
  receivedAt: Scalars['DateTime']['output'];
  timestamp: Scalars['DateTime']['output'];
  traits: Scalars['JSON']['output'];
  type: EventType;
  userId?: Maybe<Scalars['String']['output']>;
};

/** A behavioral event in the Segment tracking spec's shape. */
export type EventInput = {
  anonymousId?: InputMaybe<Scalars['String']['input']>;
  context?: InputMaybe<Scalars['JSON']['input']>;
  /** The action, for TRACK (e.g. `Order Completed`). */
  event?: InputMaybe<Scalars['String']['input']>;
  groupId?: InputMaybe<Scalars['String']['input']>;
  /** Unique per event; re-sending an event with the same messageId changes nothing. Derived from the content when absent. */
  messageId?: InputMaybe<Scalars['String']['input']>;
  /** The page or screen name, for PAGE and SCREEN. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** For ALIAS: the id the user had before (an anonymousId or an earlier userId). */
  previousId?: InputMaybe<Scalars['String']['input']>;
  properties?: InputMaybe<Scalars['JSON']['input']>;
  /** When the event happened (client time); defaults to when it was received. */
  timestamp?: InputMaybe<Scalars['DateTime']['input']>;
  /** For IDENTIFY: traits of the user; `email` and `phone` also link identities. */
  traits?: InputMaybe<Scalars['JSON']['input']>;
  type: EventType;
  userId?: InputMaybe<Scalars['String']['input']>;
};

/** Segment tracking-spec call types. */
export enum EventType {
  Alias = 'alias',
  Group = 'group',
  Identify = 'identify',
  Page = 'page',
  Screen = 'screen',
  Track = 'track'
}

/** One identifier, in normalised form. */
export type Identifier = {
  __typename?: 'Identifier';
  kind: IdentifierKind;
  value: Scalars['String']['output'];
};

/** The kinds of identifier that can link records to one person. */
export enum IdentifierKind {
  /** A device or browser id (Segment `anonymousId`). */
  AnonymousId = 'ANONYMOUS_ID',
  /** A contact id in a CRM system. */
  CrmId = 'CRM_ID',
  /** A customer id from a transactional system. */
  CustomerId = 'CUSTOMER_ID',
  /** An email address; matched trimmed and case-insensitively. */
  Email = 'EMAIL',
  /** A phone number; matched in E.164 form (numbers without +country code use the configured default region). */
  Phone = 'PHONE',
  /** A logged-in user id (Segment `userId`). */
  UserId = 'USER_ID'
}

/** One merge: the younger profile `mergedId` was folded into the older `survivorId`. */
export type MergeLogEntry = {
  __typename?: 'MergeLogEntry';
  at: Scalars['DateTime']['output'];
  /** A sentence saying why the profiles were merged. */
  explanation: Scalars['String']['output'];
  /** The identifier on the merged side through which the record linked the two profiles. */
  linkedBy?: Maybe<Identifier>;
  /** The profile merged away; reading it returns the survivor. */
  mergedId: Scalars['ID']['output'];
  reason: MergeReason;
  /** The record whose arrival caused the merge, e.g. `crm:003A1` or `event:<messageId>`. */
  recordId?: Maybe<Scalars['String']['output']>;
  /** The profile that kept its id. */
  survivorId: Scalars['ID']['output'];
};

/** Why two profiles were merged. */
export enum MergeReason {
  /** A Segment alias call linked a previous id to a user id. */
  Alias = 'ALIAS',
  /** An operator merged the profiles by hand. */
  Manual = 'MANUAL',
  /** A record carried identifiers held by both profiles. */
  SharedIdentifier = 'SHARED_IDENTIFIER'
}

export type Mutation = {
  __typename?: 'Mutation';
  /** Ingests Segment-style events; identify and alias link identifiers. All or nothing on invalid input. */
  trackEvents: TrackEventsResult;
  /** Creates or updates the profile of a CRM contact and returns the merged profile. */
  upsertCrmContact: Profile;
};


export type MutationTrackEventsArgs = {
  events: Array<EventInput>;
};


export type MutationUpsertCrmContactArgs = {
  input: CrmContactInput;
};

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

/** Everything known about one person, merged across sources. */
export type Profile = {
  __typename?: 'Profile';
  createdAt: Scalars['DateTime']['output'];
  /** Stable id; when profiles merge, the oldest id survives and the others redirect to it. */
  id: Scalars['ID']['output'];
  /** Every identifier linked to this person, in priority order. */
  identifiers: Array<Identifier>;
  /** The merges that formed this profile, oldest first. */
  mergeLog: Array<MergeLogEntry>;
  /** Ids of every profile merged into this one. */
  mergedFrom: Array<Scalars['ID']['output']>;
  /** The most recent behavioral events, newest first. */
  recentEvents: Array<Event>;
  /** The sources this profile was built from. */
  sources: Array<SourceSummary>;
  /** Merged traits: per key, the most recently observed value across records. */
  traits: Scalars['JSON']['output'];
  updatedAt: Scalars['DateTime']['output'];
};


/** Everything known about one person, merged across sources. */
export type ProfileRecentEventsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type ProfileConnection = {
  __typename?: 'ProfileConnection';
  edges: Array<ProfileEdge>;
  pageInfo: PageInfo;
};

export type ProfileEdge = {
  __typename?: 'ProfileEdge';
  /** Opaque cursor; pass it as `after` to continue after this profile. */
  cursor: Scalars['String']['output'];
  node: Profile;
};

export type Query = {
  __typename?: 'Query';
  /** A profile by id; a merged-away id returns the profile it was merged into. */
  profile?: Maybe<Profile>;
  /** A profile by any identifier; the value is normalised as on write (case, whitespace, phone format). */
  profileByIdentifier?: Maybe<Profile>;
  /** Live profiles in id order, with cursor pagination. */
  profiles: ProfileConnection;
};


export type QueryProfileArgs = {
  id: Scalars['ID']['input'];
};


export type QueryProfileByIdentifierArgs = {
  kind: IdentifierKind;
  value: Scalars['String']['input'];
};


export type QueryProfilesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** Where a profile's data came from. */
export enum SourceName {
  /** Contacts pushed by CRM systems. */
  Crm = 'crm',
  /** Behavioral events (Segment tracking calls). */
  Events = 'events'
}

/** How much of a profile one source contributed. */
export type SourceSummary = {
  __typename?: 'SourceSummary';
  /** Contributions from this source: identifier claims and record versions. */
  contributions: Scalars['Int']['output'];
  firstSeenAt: Scalars['DateTime']['output'];
  lastSeenAt: Scalars['DateTime']['output'];
  name: SourceName;
};

export type Subscription = {
  __typename?: 'Subscription';
  /** Emits the profile each time it changes (new identifiers, traits or merges). */
  profileUpdated: Profile;
};


export type SubscriptionProfileUpdatedArgs = {
  id: Scalars['ID']['input'];
};

/** What happened to one event. */
export type TrackEventOutcome = {
  __typename?: 'TrackEventOutcome';
  /** True when an event with this messageId had already been stored. */
  duplicate: Scalars['Boolean']['output'];
  messageId: Scalars['String']['output'];
  /** The profile the event was attributed to. */
  profileId: Scalars['ID']['output'];
};

export type TrackEventsResult = {
  __typename?: 'TrackEventsResult';
  /** Events stored by this request. */
  accepted: Scalars['Int']['output'];
  /** Events skipped because their messageId was already stored. */
  duplicates: Scalars['Int']['output'];
  /** One outcome per event, in request order. */
  outcomes: Array<TrackEventOutcome>;
};



export type ResolverTypeWrapper<T> = Promise<T> | T;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = {}, TContext = {}, TArgs = {}> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = {}, TContext = {}, TArgs = {}> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = {}, TContext = {}> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = {}, TContext = {}> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = {}, TParent = {}, TContext = {}, TArgs = {}> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  AddressInput: AddressInput;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  CrmContactInput: CrmContactInput;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Event: ResolverTypeWrapper<EventDoc>;
  EventInput: EventInput;
  EventType: null;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Identifier: ResolverTypeWrapper<Identifier>;
  IdentifierKind: IdentifierKind;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  JSON: ResolverTypeWrapper<Scalars['JSON']['output']>;
  MergeLogEntry: ResolverTypeWrapper<MergePointerDoc>;
  MergeReason: MergeReason;
  Mutation: ResolverTypeWrapper<{}>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Profile: ResolverTypeWrapper<ProfileDoc>;
  ProfileConnection: ResolverTypeWrapper<Omit<ProfileConnection, 'edges'> & { edges: Array<ResolversTypes['ProfileEdge']> }>;
  ProfileEdge: ResolverTypeWrapper<Omit<ProfileEdge, 'node'> & { node: ResolversTypes['Profile'] }>;
  Query: ResolverTypeWrapper<{}>;
  SourceName: null;
  SourceSummary: ResolverTypeWrapper<SourceSummaryDoc>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Subscription: ResolverTypeWrapper<{}>;
  TrackEventOutcome: ResolverTypeWrapper<TrackEventOutcome>;
  TrackEventsResult: ResolverTypeWrapper<TrackEventsResult>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  AddressInput: AddressInput;
  Boolean: Scalars['Boolean']['output'];
  CrmContactInput: CrmContactInput;
  DateTime: Scalars['DateTime']['output'];
  Event: EventDoc;
  EventInput: EventInput;
  ID: Scalars['ID']['output'];
  Identifier: Identifier;
  Int: Scalars['Int']['output'];
  JSON: Scalars['JSON']['output'];
  MergeLogEntry: MergePointerDoc;
  Mutation: {};
  PageInfo: PageInfo;
  Profile: ProfileDoc;
  ProfileConnection: Omit<ProfileConnection, 'edges'> & { edges: Array<ResolversParentTypes['ProfileEdge']> };
  ProfileEdge: Omit<ProfileEdge, 'node'> & { node: ResolversParentTypes['Profile'] };
  Query: {};
  SourceSummary: SourceSummaryDoc;
  String: Scalars['String']['output'];
  Subscription: {};
  TrackEventOutcome: TrackEventOutcome;
  TrackEventsResult: TrackEventsResult;
};

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type EventResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Event'] = ResolversParentTypes['Event']> = {
  anonymousId?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  event?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  properties?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  receivedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  timestamp?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  traits?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  type?: Resolver<ResolversTypes['EventType'], ParentType, ContextType>;
  userId?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type EventTypeResolvers = { ALIAS: 'alias', GROUP: 'group', IDENTIFY: 'identify', PAGE: 'page', SCREEN: 'screen', TRACK: 'track' };

export type IdentifierResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Identifier'] = ResolversParentTypes['Identifier']> = {
  kind?: Resolver<ResolversTypes['IdentifierKind'], ParentType, ContextType>;
  value?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export interface JsonScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['JSON'], any> {
  name: 'JSON';
}

export type MergeLogEntryResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['MergeLogEntry'] = ResolversParentTypes['MergeLogEntry']> = {
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  explanation?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  linkedBy?: Resolver<Maybe<ResolversTypes['Identifier']>, ParentType, ContextType>;
  mergedId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  reason?: Resolver<ResolversTypes['MergeReason'], ParentType, ContextType>;
  recordId?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  survivorId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type MutationResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  trackEvents?: Resolver<ResolversTypes['TrackEventsResult'], ParentType, ContextType, RequireFields<MutationTrackEventsArgs, 'events'>>;
  upsertCrmContact?: Resolver<ResolversTypes['Profile'], ParentType, ContextType, RequireFields<MutationUpsertCrmContactArgs, 'input'>>;
};

export type PageInfoResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type ProfileResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Profile'] = ResolversParentTypes['Profile']> = {
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  identifiers?: Resolver<Array<ResolversTypes['Identifier']>, ParentType, ContextType>;
  mergeLog?: Resolver<Array<ResolversTypes['MergeLogEntry']>, ParentType, ContextType>;
  mergedFrom?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType>;
  recentEvents?: Resolver<Array<ResolversTypes['Event']>, ParentType, ContextType, RequireFields<ProfileRecentEventsArgs, 'first'>>;
  sources?: Resolver<Array<ResolversTypes['SourceSummary']>, ParentType, ContextType>;
  traits?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type ProfileConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ProfileConnection'] = ResolversParentTypes['ProfileConnection']> = {
  edges?: Resolver<Array<ResolversTypes['ProfileEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type ProfileEdgeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ProfileEdge'] = ResolversParentTypes['ProfileEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Profile'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type QueryResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  profile?: Resolver<Maybe<ResolversTypes['Profile']>, ParentType, ContextType, RequireFields<QueryProfileArgs, 'id'>>;
  profileByIdentifier?: Resolver<Maybe<ResolversTypes['Profile']>, ParentType, ContextType, RequireFields<QueryProfileByIdentifierArgs, 'kind' | 'value'>>;
  profiles?: Resolver<ResolversTypes['ProfileConnection'], ParentType, ContextType, Partial<QueryProfilesArgs>>;
};

export type SourceNameResolvers = { CRM: 'crm', EVENTS: 'events' };

export type SourceSummaryResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['SourceSummary'] = ResolversParentTypes['SourceSummary']> = {
  contributions?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  firstSeenAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  lastSeenAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['SourceName'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type SubscriptionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = {
  profileUpdated?: SubscriptionResolver<ResolversTypes['Profile'], "profileUpdated", ParentType, ContextType, RequireFields<SubscriptionProfileUpdatedArgs, 'id'>>;
};

export type TrackEventOutcomeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['TrackEventOutcome'] = ResolversParentTypes['TrackEventOutcome']> = {
  duplicate?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  messageId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  profileId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type TrackEventsResultResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['TrackEventsResult'] = ResolversParentTypes['TrackEventsResult']> = {
  accepted?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  duplicates?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  outcomes?: Resolver<Array<ResolversTypes['TrackEventOutcome']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type Resolvers<ContextType = GraphQLContext> = {
  DateTime?: GraphQLScalarType;
  Event?: EventResolvers<ContextType>;
  EventType?: EventTypeResolvers;
  Identifier?: IdentifierResolvers<ContextType>;
  JSON?: GraphQLScalarType;
  MergeLogEntry?: MergeLogEntryResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Profile?: ProfileResolvers<ContextType>;
  ProfileConnection?: ProfileConnectionResolvers<ContextType>;
  ProfileEdge?: ProfileEdgeResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  SourceName?: SourceNameResolvers;
  SourceSummary?: SourceSummaryResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
  TrackEventOutcome?: TrackEventOutcomeResolvers<ContextType>;
  TrackEventsResult?: TrackEventsResultResolvers<ContextType>;
};

