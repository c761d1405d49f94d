import {
  getNamedType,
  GraphQLError,
  isCompositeType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isWrappingType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  type FieldNode,
  type GraphQLArgument,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type GraphQLType,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { ErrorCode, MosaicError } from '../../errors';

/** Page sizes are capped at 100 everywhere; a `first` given by a variable may be that large. */
const MAX_PAGE = 100;
/** A list with no `first` (identifiers, segments …) is assumed this long: data-bounded, usually short. */
const ASSUMED_LIST = 10;
/**
 * Costs stop growing here (at least the limit + 1): a query over it is refused all the
 * same, and the figures of a hostile query (fragments spread twice, n levels deep: 2^n)
 * stay exact integers instead of running off to Infinity.
 */
const COST_CEILING = 1e12;

export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
}

/** Depth, and cost per item of the pages around it (multiply by those to get the cost). */
interface Shape {
  depth: number;
  cost: number;
}

const NOTHING: Shape = { depth: 0, cost: 0 };

/**
 * Depth and cost of each operation, checked before anything executes. Depth is the
 * deepest nesting of fields. Cost estimates how many fields would be resolved: each field
 * costs 1 times the page sizes of the lists it sits in (`first`, its default, or 100 when
 * it comes from a variable; 10 for lists without `first`). Fragments count as if their
 * fields were written inline, and introspection (`__schema`, `__type`, `__typename`)
 * counts like any other field, so that aliases of it add up; only `ofType` nested deeper
 * than any type in the schema is wrapped (the standard introspection query asks for 9
 * levels) counts as the null it is, with nothing below it. A query over the limits is
 * refused as a whole with QUERY_TOO_DEEP or QUERY_TOO_COSTLY, naming both figures.
 *
 * Measuring takes time linear in the document: each fragment is measured once (per
 * page context) however often it is spread, and fragments are measured one after the
 * other, never by recursing from one into the next, so neither a fragment spread twice
 * per level nor a long chain of fragments can stall or overflow the stack. A fragment
 * cycle (which NoFragmentCycles reports) is cut where it closes.
 */
export function queryShapeRule(limits: QueryLimits): ValidationRule {
  const ceiling = Math.max(COST_CEILING, limits.maxCost + 1);
  return (context: ValidationContext) => {
    // Shared by all the operations of the document, as the fragments are.
    let measurer: ShapeMeasurer | null = null;
    return {
      OperationDefinition(operation: OperationDefinitionNode) {
        const schema = context.getSchema();
        const root = schema.getRootType(operation.operation);
        if (!root) return;
        measurer ??= new ShapeMeasurer(schema, fragmentsOf(context), ceiling);
        const shape = measurer.operation(operation.selectionSet, root);
        const name = operation.name?.value ?? 'the operation';
        const refuse = (code: ErrorCode, message: string) =>
          context.reportError(
            // The MosaicError keeps the code through Apollo's validation-error wrapping.
            new GraphQLError(message, {
              nodes: [operation],
              extensions: { code },
              originalError: new MosaicError(code, message),
            }),
          );
        if (shape.depth > limits.maxDepth)
          refuse(
            ErrorCode.QUERY_TOO_DEEP,
            `${name} nests fields ${shape.depth} deep; the limit is ${limits.maxDepth}`,
          );
        else if (shape.cost > limits.maxCost)
          refuse(
            ErrorCode.QUERY_TOO_COSTLY,
            `${name} could resolve ${shape.cost >= ceiling ? 'more than' : 'about'} ` +
              `${Math.round(shape.cost)} fields; the limit is ${limits.maxCost} ` +
              '(ask for smaller pages, or fewer nested lists)',
          );
      },
    };
  };
}

function fragmentsOf(context: ValidationContext): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of context.getDocument().definitions)
    // The first of two same-named fragments (UniqueFragmentNames reports the second).
    if (d.kind === Kind.FRAGMENT_DEFINITION && !fragments.has(d.name.value))
      fragments.set(d.name.value, d);
  return fragments;
}

/** Where a selection sits, as far as it changes how its fields count. */
interface Context {
  /** Inside a page, a list counts once (the page counted its items already). */
  inPage: boolean;
  /** How many `ofType` fields of introspection's `__Type` directly enclose it. */
  ofTypes: number;
}

/** A fragment as spread in one context. */
interface Spread extends Context {
  name: string;
}

const spreadKey = ({ name, inPage, ofTypes }: Spread) => `${inPage ? 'p' : '-'}${ofTypes}:${name}`;

class ShapeMeasurer {
  /** Each fragment's shape, by spreadKey. */
  private readonly measured = new Map<string, Shape>();

  /** The most list and non-null wrappers around any type in the schema. */
  private readonly maxWrapping: number;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: Map<string, FragmentDefinitionNode>,
    private readonly ceiling: number,
  ) {
    this.maxWrapping = maxWrappingOf(schema);
  }

  operation(selectionSet: SelectionSetNode, root: GraphQLNamedType): Shape {
    return this.selections(selectionSet, root, { inPage: false, ofTypes: 0 }, (spread) =>
      this.fragment(spread),
    );
  }

  /**
   * The shape of a fragment in a context, measuring first (depth-first, with a stack of
   * our own rather than recursion) every fragment it spreads that is not measured yet. A
   * spread of a fragment still being measured (a cycle) counts as nothing.
   */
  private fragment(wanted: Spread): Shape {
    const done = this.measured.get(spreadKey(wanted));
    if (done) return done;
    const open = new Set<string>();
    const stack: { spread: Spread; opened: boolean }[] = [{ spread: wanted, opened: false }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const key = spreadKey(top.spread);
      const definition = this.fragments.get(top.spread.name);
      if (this.measured.has(key) || !definition) {
        stack.pop();
        continue;
      }
      const missing: Spread[] = [];
      const shape = this.selections(
        definition.selectionSet,
        // An unknown type (KnownTypeNames reports it) has no fields to count.
        this.schema.getType(definition.typeCondition.name.value),
        top.spread,
        (spread) => {
          const shape = this.measured.get(spreadKey(spread));
          if (shape) return shape;
          if (!top.opened && !open.has(spreadKey(spread))) missing.push(spread);
          return NOTHING;
        },
      );
      if (missing.length > 0) {
        // Measure those first, then come back to this one.
        top.opened = true;
        open.add(key);
        for (const spread of missing) stack.push({ spread, opened: false });
        continue;
      }
      this.measured.set(key, shape);
      open.delete(key);
      stack.pop();
    }
    return this.measured.get(spreadKey(wanted)) ?? NOTHING;
  }

  /**
   * Depth and cost per unit of a selection set; recurses only into its own fields and
   * inline fragments (as deep as the text nests), and asks `spread` for named fragments.
   */
  private selections(
    selectionSet: SelectionSetNode,
    parentType: GraphQLNamedType | undefined,
    context: Context,
    spread: (spread: Spread) => Shape,
  ): Shape {
    let depth = 0;
    let cost = 0;
    for (const selection of selectionSet.selections) {
      let sub: Shape;
      if (selection.kind === Kind.FIELD) {
        const field = this.fieldDef(parentType, selection.name.value);
        if (!field) continue; // unknown fields (FieldsOnCorrectType reports those)
        const { factor, page } = listFactor(field, selection, context.inPage);
        // `ofType { ofType { … } }` nested past the schema's deepest wrapping (as the
        // standard introspection query does) is certainly null: nothing below resolves.
        const ofTypes =
          parentType?.name === '__Type' && field.name === 'ofType' ? context.ofTypes + 1 : 0;
        const below =
          selection.selectionSet && ofTypes <= this.maxWrapping
            ? this.selections(
                selection.selectionSet,
                getNamedType(field.type),
                { inPage: page, ofTypes },
                spread,
              )
            : NOTHING;
        // The field itself, and everything below it, once per item.
        sub = { depth: below.depth + 1, cost: this.cap(factor * (1 + below.cost)) };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const typeName = selection.typeCondition?.name.value;
        const type = (typeName ? this.schema.getType(typeName) : null) ?? parentType;
        sub = this.selections(selection.selectionSet, type, context, spread);
      } else sub = spread({ ...context, name: selection.name.value });
      depth = Math.max(depth, sub.depth);
      cost = this.cap(cost + sub.cost);
    }
    return { depth, cost };
  }

  /** The field as execution would resolve it, introspection's meta fields included. */
  private fieldDef(
    parentType: GraphQLNamedType | undefined,
    name: string,
  ): GraphQLField<unknown, unknown> | undefined {
    if (!parentType || !isCompositeType(parentType)) return undefined;
    if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef;
    if (parentType === this.schema.getQueryType()) {
      if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
      if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
    }
    return isObjectType(parentType) || isInterfaceType(parentType)
      ? parentType.getFields()[name]
      : undefined;
  }

  private cap(cost: number): number {
    return Math.min(cost, this.ceiling);
  }
}

const maxWrappings = new WeakMap<GraphQLSchema, number>();

/**
 * The most list and non-null wrappers around the type of any field or argument
 * (`[String!]!`: 3): the longest chain of `ofType` that can be non-null.
 */
function maxWrappingOf(schema: GraphQLSchema): number {
  const known = maxWrappings.get(schema);
  if (known !== undefined) return known;
  let max = 0;
  const count = (type: GraphQLType) => {
    let n = 0;
    for (let t = type; isWrappingType(t); t = t.ofType) n++;
    max = Math.max(max, n);
  };
  const countAll = (
    fields: readonly { type: GraphQLType; args?: readonly GraphQLArgument[] }[],
  ) => {
    for (const field of fields) {
      count(field.type);
      for (const arg of field.args ?? []) count(arg.type);
    }
  };
  for (const type of Object.values(schema.getTypeMap()))
    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type))
      countAll(Object.values(type.getFields()));
  for (const directive of schema.getDirectives()) countAll(directive.args);
  maxWrappings.set(schema, max);
  return max;
}

/**
 * How many times a field's subtree is resolved per parent: its page size when it takes
 * `first`; for a list inside a page (a connection's `edges`), 1, since the page counted
 * it already; for other lists, an assumed length.
 */
function listFactor(
  field: GraphQLField<unknown, unknown>,
  node: FieldNode,
  inPage: boolean,
): { factor: number; page: boolean } {
  const firstArg = field.args.find((a) => a.name === 'first');
  if (firstArg) {
    const given = node.arguments?.find((a) => a.name.value === 'first')?.value;
    let size: number;
    if (given === undefined)
      size = typeof firstArg.defaultValue === 'number' ? firstArg.defaultValue : 20;
    else if (given.kind === Kind.INT) size = Number(given.value);
    else size = MAX_PAGE;
    return { factor: Math.max(1, Math.min(size, MAX_PAGE)), page: true };
  }
  const type = isNonNullType(field.type) ? field.type.ofType : field.type;
  if (isListType(type)) return { factor: inPage ? 1 : ASSUMED_LIST, page: false };
  return { factor: 1, page: inPage };
}
