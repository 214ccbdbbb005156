import {
  GraphQLError,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { ErrorCode } from '../common/errors/error-codes';

export interface QueryLimits {
  maxDepth: number;
  maxComplexity: number;
}

/** Page size assumed for a paginated field called without `first` (its default). */
const DEFAULT_PAGE: Record<string, number> = { runs: 20 };
/** Page size assumed when `first` is a variable (validation is cached per document, not per variables). */
const MAX_PAGE = 100;

export interface QueryCost {
  depth: number;
  complexity: number;
}

/**
 * Depth and complexity of an operation, computed from the document alone, before anything
 * runs. Depth counts nested fields (`{ run { id } }` is 2). Complexity: each field costs 1,
 * and the selection under a paginated field (`first: n`) counts n times. Introspection fields
 * (`__schema`, `__type`) are free, so tools can load the schema.
 */
export function measureOperation(
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown> = {},
): QueryCost {
  const visit = (set: SelectionSetNode, depth: number, seen: Set<string>): QueryCost => {
    let maxDepth = depth - 1;
    let complexity = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value.startsWith('__') && sel.name.value !== '__typename') continue;
        if (!sel.selectionSet) {
          complexity += 1;
          maxDepth = Math.max(maxDepth, depth);
          continue;
        }
        const child = visit(sel.selectionSet, depth + 1, seen);
        complexity += 1 + multiplier(sel, variables) * child.complexity;
        maxDepth = Math.max(maxDepth, child.depth, depth);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const child = visit(sel.selectionSet, depth, seen);
        complexity += child.complexity;
        maxDepth = Math.max(maxDepth, child.depth);
      } else {
        const name = sel.name.value;
        const fragment = fragments[name];
        if (!fragment || seen.has(name)) continue; // unknown or cyclic: graphql's own rules report it
        const child = visit(fragment.selectionSet, depth, new Set([...seen, name]));
        complexity += child.complexity;
        maxDepth = Math.max(maxDepth, child.depth);
      }
    }
    return { depth: maxDepth, complexity };
  };
  return visit(selectionSet, 1, new Set());
}

function multiplier(field: FieldNode, variables: Record<string, unknown>): number {
  const arg = field.arguments?.find((a) => a.name.value === 'first' || a.name.value === 'last');
  if (!arg) return DEFAULT_PAGE[field.name.value] ?? 1;
  if (arg.value.kind === Kind.INT) return Math.max(1, Number(arg.value.value));
  if (arg.value.kind === Kind.VARIABLE) {
    const v = variables[arg.value.name.value];
    return typeof v === 'number' && Number.isFinite(v) ? Math.max(1, v) : MAX_PAGE;
  }
  return MAX_PAGE;
}

/** A validation rule refusing operations over the limits (mercurius runs it before execution). */
export function queryLimitsRule(limits: QueryLimits, variables?: Record<string, unknown>): ValidationRule {
  return (context: ValidationContext) => {
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const def of context.getDocument().definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
    }
    return {
      OperationDefinition(node) {
        const cost = measureOperation(node.selectionSet, fragments, variables ?? {});
        if (cost.depth > limits.maxDepth) {
          context.reportError(
            new GraphQLError(`query depth ${cost.depth} exceeds the limit of ${limits.maxDepth}`, {
              nodes: [node],
              extensions: { code: ErrorCode.QueryTooDeep, depth: cost.depth, maxDepth: limits.maxDepth },
            }),
          );
        }
        if (cost.complexity > limits.maxComplexity) {
          context.reportError(
            new GraphQLError(
              `query complexity ${cost.complexity} exceeds the limit of ${limits.maxComplexity} (each field costs 1; selections under \`first: n\` count n times)`,
              {
                nodes: [node],
                extensions: {
                  code: ErrorCode.QueryTooComplex,
                  complexity: cost.complexity,
                  maxComplexity: limits.maxComplexity,
                },
              },
            ),
          );
        }
      },
    };
  };
}
