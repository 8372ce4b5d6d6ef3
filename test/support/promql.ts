/**
 * PromQL as the Prometheus UI parses it (@prometheus-io/lezer-promql, the official grammar): syntax
 * errors, and every vector selector with its metric name and label matchers, read from the parse tree
 * rather than from the text.
 */
import type { LRParser } from '@lezer/lr';

// The package is ESM-typed; require() gives its CommonJS build, which the tests run on.
const { parser } = require('@prometheus-io/lezer-promql') as { parser: LRParser };

type SyntaxNode = ReturnType<LRParser['parse']>['topNode'];

export interface LabelMatcher {
  readonly name: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

export interface VectorSelector {
  /** The metric name, from the identifier or a `__name__="..."` matcher; undefined if neither. */
  readonly metric: string | undefined;
  readonly matchers: readonly LabelMatcher[];
  /** The selector as written, for messages. */
  readonly text: string;
}

export interface FunctionCall {
  readonly name: string;
  /** Node type of the first argument, e.g. MatrixSelector, VectorSelector, SubqueryExpr. */
  readonly firstArgument: string | undefined;
  readonly text: string;
}

export interface ParsedPromQL {
  /** One message per error node of the tree, with the text around it. */
  readonly errors: readonly string[];
  readonly selectors: readonly VectorSelector[];
  /** Every label name the expression mentions: in matchers and in by/without/on/ignoring clauses. */
  readonly labelNames: readonly string[];
  readonly functionCalls: readonly FunctionCall[];
}

function unquote(literal: string): string {
  if (literal.startsWith('`')) return literal.slice(1, -1);
  if (literal.startsWith("'")) return JSON.parse(`"${literal.slice(1, -1).replace(/\\'/g, "'").replace(/"/g, '\\"')}"`);
  return JSON.parse(literal);
}

function readMatcher(node: SyntaxNode, source: string): LabelMatcher {
  const text = (n: SyntaxNode | null): string => (n === null ? '' : source.slice(n.from, n.to));
  const strings = node.getChildren('StringLiteral');
  const op = text(node.getChild('MatchOp')) as LabelMatcher['op'];
  if (node.name === 'UnquotedLabelMatcher') {
    return { name: text(node.getChild('LabelName')), op, value: unquote(text(strings[0])) };
  }
  // QuotedLabelMatcher: "name"="value"
  return { name: unquote(text(node.getChild('QuotedLabelName')?.getChild('StringLiteral') ?? null)), op, value: unquote(text(strings[0])) };
}

function readSelector(node: SyntaxNode, source: string): VectorSelector {
  const matchers: LabelMatcher[] = [];
  let metric: string | undefined;
  const identifier = node.getChild('Identifier');
  if (identifier !== null) metric = source.slice(identifier.from, identifier.to);
  for (let child = node.getChild('LabelMatchers')?.firstChild ?? null; child !== null; child = child.nextSibling) {
    if (child.name === 'UnquotedLabelMatcher' || child.name === 'QuotedLabelMatcher') {
      const matcher = readMatcher(child, source);
      if (matcher.name === '__name__' && matcher.op === '=') metric = matcher.value;
      else matchers.push(matcher);
    } else if (child.name === 'QuotedLabelName') {
      metric = unquote(source.slice(child.from, child.to));
    }
  }
  return { metric, matchers, text: source.slice(node.from, node.to) };
}

export function parsePromQL(expr: string): ParsedPromQL {
  const errors: string[] = [];
  const selectors: VectorSelector[] = [];
  const labelNames: string[] = [];
  const functionCalls: FunctionCall[] = [];
  parser.parse(expr).iterate({
    enter: (ref) => {
      if (ref.type.isError) {
        errors.push(`syntax error at offset ${ref.from}: ...${expr.slice(Math.max(0, ref.from - 20), ref.to + 20)}...`);
      } else if (ref.name === 'VectorSelector') {
        selectors.push(readSelector(ref.node, expr));
      } else if (ref.name === 'LabelName') {
        labelNames.push(expr.slice(ref.from, ref.to));
      } else if (ref.name === 'FunctionCall') {
        const identifier = ref.node.getChild('FunctionIdentifier');
        functionCalls.push({
          name: identifier ? expr.slice(identifier.from, identifier.to) : '',
          firstArgument: ref.node.getChild('FunctionCallBody')?.firstChild?.name,
          text: expr.slice(ref.from, ref.to),
        });
      }
    },
  });
  return { errors, selectors, labelNames, functionCalls };
}
