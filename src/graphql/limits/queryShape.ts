import {
  getNamedType,
  GraphQLError,
  isListType,
  isNonNullType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { isObjectType, isInterfaceType } from 'graphql';
import { ErrorCode, MosaicError } from '../../errors';

/** Page sizes are capped at 100 everywhere; a `first` given by a variable may be that large. */
const MAX_PAGE = 100;
/** A list with no `first` (identifiers, segments …) is assumed this long: data-bounded, usually short. */
const ASSUMED_LIST = 10;

export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
}

/**
 * Depth and cost of each operation, checked before anything executes. Depth is the
 * deepest nesting of fields. Cost estimates how many fields would be resolved: each field
 * costs 1 times the page sizes of the lists it sits in (`first`, its default, or 100 when
 * it comes from a variable; 10 for lists without `first`). A query over the limits is
 * refused as a whole with QUERY_TOO_DEEP or QUERY_TOO_COSTLY, naming both figures.
 */
export function queryShapeRule(limits: QueryLimits): ValidationRule {
  return (context: ValidationContext) => ({
    OperationDefinition(operation: OperationDefinitionNode) {
      const schema = context.getSchema();
      const fragments = Object.fromEntries(
        context
          .getDocument()
          .definitions.filter(
            (d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION,
          )
          .map((d) => [d.name.value, d]),
      );
      const root = schema.getRootType(operation.operation);
      if (!root) return;
      const shape = measure(schema, fragments, operation.selectionSet, root, 1, new Set());
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
          `${name} could resolve about ${Math.round(shape.cost)} fields; the limit is ${limits.maxCost} ` +
            '(ask for smaller pages, or fewer nested lists)',
        );
    },
  });
}

function measure(
  schema: GraphQLSchema,
  fragments: Record<string, FragmentDefinitionNode>,
  selectionSet: SelectionSetNode,
  parentType: GraphQLOutputType,
  multiplier: number,
  visiting: Set<string>,
  inPage = false,
): { depth: number; cost: number } {
  let depth = 0;
  let cost = 0;
  const named = getNamedType(parentType);
  const fieldsOf = isObjectType(named) || isInterfaceType(named) ? named.getFields() : {};
  for (const selection of selectionSet.selections) {
    let sub: { depth: number; cost: number } | null = null;
    if (selection.kind === Kind.FIELD) {
      const field = fieldsOf[selection.name.value];
      if (!field) continue; // __typename and unknown fields (other rules report those)
      const { factor, page } = listFactor(field, selection, inPage);
      const inner = multiplier * factor;
      cost += inner;
      if (selection.selectionSet) {
        const below = measure(
          schema,
          fragments,
          selection.selectionSet,
          field.type,
          inner,
          visiting,
          page,
        );
        sub = { depth: below.depth + 1, cost: below.cost };
      } else sub = { depth: 1, cost: 0 };
    } else {
      const fragment =
        selection.kind === Kind.FRAGMENT_SPREAD ? fragments[selection.name.value] : selection;
      if (!fragment) continue;
      // A fragment that spreads itself is reported by the standard rules; never loop here.
      const key = selection.kind === Kind.FRAGMENT_SPREAD ? selection.name.value : null;
      if (key !== null && visiting.has(key)) continue;
      if (key !== null) visiting.add(key);
      const typeName = fragment.typeCondition?.name.value;
      const type = (typeName ? schema.getType(typeName) : null) ?? named;
      sub = measure(
        schema,
        fragments,
        fragment.selectionSet,
        type as GraphQLOutputType,
        multiplier,
        visiting,
        inPage,
      );
      if (key !== null) visiting.delete(key);
    }
    depth = Math.max(depth, sub.depth);
    cost += sub.cost;
  }
  return { depth, cost };
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
