/**
 * The syntax tree of a Jinja2 template, shaped after Jinja2's own nodes (jinja2/nodes.py) so that its
 * semantics can be followed one node at a time. Positions are 1-based.
 */
export interface Pos {
  line: number;
  col: number;
}

// ---------------------------------------------------------------- expressions

export type Expr =
  | ConstNode
  | NameNode
  | TupleNode
  | ListNode
  | DictNode
  | GetattrNode
  | GetitemNode
  | SliceNode
  | CallNode
  | FilterNode
  | TestNode
  | CondExprNode
  | BinOpNode
  | ConcatNode
  | LogicNode
  | NotNode
  | UnaryNode
  | CompareNode;

export interface ConstNode extends Pos {
  kind: 'const';
  value: string | number | boolean | null;
  /** A float literal (`1.0`), as opposed to an integer. */
  isFloat?: boolean;
}
export interface NameNode extends Pos {
  kind: 'name';
  name: string;
}
export interface TupleNode extends Pos {
  kind: 'tuple';
  items: Expr[];
}
export interface ListNode extends Pos {
  kind: 'list';
  items: Expr[];
}
export interface DictNode extends Pos {
  kind: 'dict';
  pairs: [Expr, Expr][];
}
export interface GetattrNode extends Pos {
  kind: 'getattr';
  obj: Expr;
  attr: string;
}
export interface GetitemNode extends Pos {
  kind: 'getitem';
  obj: Expr;
  index: Expr;
}
export interface SliceNode extends Pos {
  kind: 'slice';
  start: Expr | null;
  stop: Expr | null;
  step: Expr | null;
}

/** Call arguments: positional, keyword, `*args` and `**kwargs`. */
export interface Args {
  args: Expr[];
  kwargs: [string, Expr][];
  starArgs: Expr | null;
  starKwargs: Expr | null;
}

export interface CallNode extends Pos, Args {
  kind: 'call';
  fn: Expr;
}
export interface FilterNode extends Pos, Args {
  kind: 'filter';
  name: string;
  /** null inside `{% filter %}` blocks and `{% set x | f %}`, where the block's text is the input. */
  node: Expr | null;
}
export interface TestNode extends Pos, Args {
  kind: 'test';
  name: string;
  node: Expr;
}
export interface CondExprNode extends Pos {
  kind: 'condexpr';
  test: Expr;
  body: Expr;
  else_: Expr | null;
}
export type BinOp = '+' | '-' | '*' | '/' | '//' | '%' | '**';
export interface BinOpNode extends Pos {
  kind: 'binop';
  op: BinOp;
  left: Expr;
  right: Expr;
}
export interface ConcatNode extends Pos {
  kind: 'concat';
  items: Expr[];
}
export interface LogicNode extends Pos {
  kind: 'and' | 'or';
  left: Expr;
  right: Expr;
}
export interface NotNode extends Pos {
  kind: 'not';
  node: Expr;
}
export interface UnaryNode extends Pos {
  kind: 'neg' | 'pos';
  node: Expr;
}
export type CompareOp = 'eq' | 'ne' | 'lt' | 'lteq' | 'gt' | 'gteq' | 'in' | 'notin';
export interface CompareNode extends Pos {
  kind: 'compare';
  expr: Expr;
  ops: { op: CompareOp; expr: Expr }[];
}

// ---------------------------------------------------------------- assignment targets

export type Target = NameNode | TargetTuple | NsRefNode;
export interface TargetTuple extends Pos {
  kind: 'tuple';
  items: Target[];
}
/** `{% set ns.attr = ... %}` */
export interface NsRefNode extends Pos {
  kind: 'nsref';
  name: string;
  attr: string;
}

// ---------------------------------------------------------------- statements

export type Stmt =
  | OutputNode
  | IfNode
  | ForNode
  | MacroNode
  | CallBlockNode
  | AssignNode
  | AssignBlockNode
  | FilterBlockNode
  | WithNode
  | DoNode
  | LoopControlNode;

export interface OutputNode extends Pos {
  kind: 'output';
  /** Template text (strings) and expressions, in order. */
  nodes: (string | Expr)[];
}
export interface IfNode extends Pos {
  kind: 'if';
  test: Expr;
  body: Stmt[];
  elifs: { test: Expr; body: Stmt[] }[];
  else_: Stmt[];
}
export interface ForNode extends Pos {
  kind: 'for';
  target: Target;
  iter: Expr;
  body: Stmt[];
  else_: Stmt[];
  test: Expr | null;
  recursive: boolean;
}
export interface Param {
  name: string;
  default: Expr | null;
}
export interface MacroNode extends Pos {
  kind: 'macro';
  name: string;
  params: Param[];
  body: Stmt[];
  /** `{% test %}` block (dbt generic test): registered as `test_<name>`. */
  isTest?: boolean;
  /** From the opening `{%` to after the closing `%}`, 0-based lines and columns of the prepared source. */
  span: { startLine: number; startCol: number; endLine: number; endCol: number };
}
export interface CallBlockNode extends Pos {
  kind: 'callblock';
  call: CallNode;
  callerParams: Param[];
  body: Stmt[];
}
export interface AssignNode extends Pos {
  kind: 'assign';
  target: Target;
  value: Expr;
}
export interface AssignBlockNode extends Pos {
  kind: 'assignblock';
  target: Target;
  filters: FilterNode[];
  body: Stmt[];
}
export interface FilterBlockNode extends Pos {
  kind: 'filterblock';
  /** Innermost first: `{% filter a|b %}` applies a, then b. */
  filters: FilterNode[];
  body: Stmt[];
}
export interface WithNode extends Pos {
  kind: 'with';
  targets: Target[];
  values: Expr[];
  body: Stmt[];
}
export interface DoNode extends Pos {
  kind: 'do';
  expr: Expr;
}
export interface LoopControlNode extends Pos {
  kind: 'break' | 'continue';
}

export interface TemplateAst {
  body: Stmt[];
}
