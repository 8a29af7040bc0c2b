import { _, Name, stringify, type Ajv, type AnySchema, type CodeKeywordDefinition, type ErrorObject, type KeywordCxt } from 'ajv';

/**
 * The keywords Burrow gives its Ajv instances, so that every failure names what a
 * person can fix:
 *
 * - `oneOf` and `anyOf` replace Ajv's own: same semantics, but a failure keeps the errors
 *   of the branch that came closest only, after one error that says which branch that was
 *   (`matches none of 3 schemas; closest: #/oneOf/1 (Cat): /meow must be boolean`).
 * - `discriminator` (OpenAPI's Discriminator Object) selects the branch of `oneOf`/`anyOf`
 *   by the value of `propertyName`, from the table the schema views compute
 *   (`x-burrow-values`, explicit and implicit mapping), and validates that branch only —
 *   without `compositeRule`, so its `default`s are applied.
 * - `x-burrow-read-only`, `x-burrow-write-only` fail where present (the request and
 *   response views put them in place of a readOnly/writeOnly property's schema);
 *   `x-burrow-drop` deletes the property it stands for (`readOnly: 'drop'`).
 *
 * The error objects these keywords add carry what `issues.ts` needs in `params`.
 */
export function addBurrowKeywords(ajv: Ajv): void {
  ajv.removeKeyword('oneOf');
  ajv.removeKeyword('anyOf');
  ajv.addKeyword(union('oneOf'));
  ajv.addKeyword(union('anyOf'));
  ajv.addKeyword(discriminator);
  ajv.addKeyword(marker('x-burrow-read-only', 'is read-only'));
  ajv.addKeyword(marker('x-burrow-write-only', 'is write-only'));
  ajv.addKeyword(drop);
}

/** The discriminator of a schema as the views leave it: the Discriminator Object plus its table. */
export interface ViewedDiscriminator {
  propertyName: string;
  mapping?: Record<string, string>;
  /** `oneOf` or `anyOf`: where the branches are. */
  'x-burrow-keyword': 'oneOf' | 'anyOf';
  /** Discriminator value → index of the branch it selects. */
  'x-burrow-values': Record<string, number>;
}

/** Labels of the branches of `oneOf`/`anyOf` (`#/oneOf/1 (Cat)`), put there by the views. */
export const LABELS = 'x-burrow-labels';

// The generated validate function's own variables (Ajv's `names`): the error list, its
// length, and the instance path of the current call.
const V_ERRORS = new Name('vErrors');
const ERRORS = new Name('errors');
const INSTANCE_PATH = new Name('instancePath');

function labelsOf(parentSchema: Record<string, unknown>, keyword: string, count: number): string[] {
  const given = (parentSchema[LABELS] as Record<string, string[]> | undefined)?.[keyword];
  return Array.from({ length: count }, (_unused, i) => given?.[i] ?? `#/${keyword}/${i}`);
}

function isHandledByDiscriminator(parentSchema: Record<string, unknown>, keyword: string): boolean {
  const d = parentSchema.discriminator as Partial<ViewedDiscriminator> | undefined;
  return d?.['x-burrow-keyword'] === keyword && typeof d['x-burrow-values'] === 'object';
}

function union(keyword: 'oneOf' | 'anyOf'): CodeKeywordDefinition {
  return {
    keyword,
    schemaType: 'array',
    trackErrors: true,
    code(cxt: KeywordCxt) {
      const { gen, schema, parentSchema, data } = cxt;
      const branches = schema as AnySchema[];
      const discriminated = isHandledByDiscriminator(parentSchema, keyword);
      // The discriminator selects the branch of an object; other values (a `null` a type
      // array allows) still have to match the union.
      if (discriminated && parentSchema.type === 'object') return;
      const body = () => validateUnion(cxt, keyword, branches);
      if (discriminated) gen.if(_`typeof ${data} != "object" || ${data} === null || Array.isArray(${data})`, body);
      else body();
    },
  };
}

function validateUnion(cxt: KeywordCxt, keyword: 'oneOf' | 'anyOf', branches: AnySchema[]): void {
  const { gen, parentSchema, it } = cxt;
  const count = gen.let('count', 0);
  const passing = gen.let('passing', null);
  const schValid = gen.name('_valid');
  const starts = branches.map(() => gen.let('start', ERRORS));
  const end = gen.let('end', ERRORS);
  // anyOf stops at the first branch that passes, unless unevaluatedProperties/Items needs every one.
  const shortCircuit = keyword === 'anyOf' && !(it.opts.unevaluated && (it.props !== true || it.items !== true));
  gen.block(() => {
    branches.forEach((_branch, i) => {
      const evaluate = () => {
        gen.assign(starts[i]!, ERRORS);
        const schCxt = cxt.subschema({ keyword, schemaProp: i, compositeRule: true }, schValid);
        gen.if(schValid, () => {
          gen.if(_`${count} === 0`).assign(passing, i).elseIf(_`${count} === 1`).assign(passing, _`[${passing}, ${i}]`).endIf();
          gen.code(_`${count}++`);
          cxt.mergeEvaluated(schCxt, Name);
        });
      };
      if (i > 0 && shortCircuit) gen.if(_`${count} === 0`, evaluate);
      else evaluate();
    });
    gen.assign(end, ERRORS);
  });
  const valid = keyword === 'oneOf' ? _`${count} === 1` : _`${count} > 0`;
  const report = gen.scopeValue('func', { ref: unionFailure });
  const labels = labelsOf(parentSchema, keyword, branches.length);
  cxt.result(
    valid,
    () => cxt.reset(),
    () => {
      gen.assign(
        V_ERRORS,
        _`${report}(${V_ERRORS}, ${cxt.errsCount!}, [${joinNames(starts)}, ${end}], ${passing}, ${stringify(keyword)}, ${stringify(labels)}, ${INSTANCE_PATH} + ${it.errorPath}, ${stringify(`${it.errSchemaPath}/${keyword}`)})`,
      );
      gen.assign(ERRORS, _`${V_ERRORS}.length`);
    },
  );
  cxt.ok(valid);
}

function joinNames(names: Name[]) {
  return names.map((n, i) => (i === 0 ? _`${n}` : _`, ${n}`)).reduce((a, b) => _`${a}${b}`);
}

/** What a oneOf/anyOf failure or a discriminator failure puts in `params` for `issues.ts`. */
export interface UnionFailureParams {
  /** The branches: `#/oneOf/1 (Cat)`. */
  labels: string[];
  /** The branch that came closest (or was selected), when none passes. */
  closest?: number;
  /** oneOf: the two branches that both pass. */
  passingSchemas?: [number, number];
  /** The errors of the closest branch (they follow this error in the list). */
  errors?: ErrorObject[];
  /** The instance path of the union itself, so that the paths of `errors` can be made relative. */
  at: string;
}

/**
 * Runs once a union fails, on the error list: keeps the errors before the union, one error
 * naming the closest branch, and that branch's errors — the other branches' are noise.
 */
function unionFailure(
  vErrors: ErrorObject[] | null,
  before: number,
  bounds: number[],
  passing: number | [number, number] | null,
  keyword: 'oneOf' | 'anyOf',
  labels: string[],
  instancePath: string,
  schemaPath: string,
): ErrorObject[] {
  const all = vErrors ?? [];
  const kept = all.slice(0, before);
  if (Array.isArray(passing)) {
    const params: UnionFailureParams = { labels, passingSchemas: passing, at: instancePath };
    kept.push({ instancePath, schemaPath, keyword, params, message: 'must match exactly one schema in oneOf' } as ErrorObject);
    return kept;
  }
  const closest = closestBranch(all, bounds, instancePath);
  const errors = leaves(all.slice(bounds[closest], bounds[closest + 1]));
  const params: UnionFailureParams = { labels, closest, errors, at: instancePath };
  kept.push({ instancePath, schemaPath, keyword, params, message: keyword === 'oneOf' ? 'must match exactly one schema in oneOf' : 'must match a schema in anyOf' } as ErrorObject);
  kept.push(...errors);
  return kept;
}

/**
 * The branch whose failure says most about the value: one that accepts its type and its
 * tag (`kind: cat` against an `enum: [dog]` is another branch's value), then one that
 * fails on the values given rather than on properties missing or undeclared, then the
 * one with the fewest errors, then the first.
 */
function closestBranch(errors: ErrorObject[], bounds: number[], at: string): number {
  let best = 0;
  let bestScore = Infinity;
  for (let i = 0; i < bounds.length - 1; i++) {
    const own = errors.slice(bounds[i], bounds[i + 1]);
    let distance = 0;
    let shape = 0;
    for (const e of own) {
      if (e.instancePath === at && (e.keyword === 'type' || e.keyword === 'false schema')) distance = Math.max(distance, 2);
      else if ((e.keyword === 'const' || e.keyword === 'enum') && isChildPath(e.instancePath, at)) distance = Math.max(distance, 1);
      else if (e.keyword === 'required' || e.keyword === 'additionalProperties' || e.keyword === 'unevaluatedProperties') shape++;
    }
    const score = distance * 1e6 + shape * 1e3 + own.length;
    if (score < bestScore) {
      best = i;
      bestScore = score;
    }
  }
  return best;
}

/**
 * A union or a discriminator inside the chosen branch has already reduced its own failure
 * to its chosen branch's: its summary goes, its failures stay (a recursive schema would
 * otherwise nest one summary per level). A oneOf that matched twice has no failures of its
 * own and stays.
 */
function leaves(errors: ErrorObject[]): ErrorObject[] {
  return errors.filter((e) => !(isSummary(e) && (e.params as { errors?: unknown }).errors));
}

function isSummary(error: ErrorObject): boolean {
  return (error.keyword === 'oneOf' || error.keyword === 'anyOf' || error.keyword === 'discriminator') && typeof (error.params as { at?: unknown }).at === 'string';
}

function isChildPath(path: string, parent: string): boolean {
  return path.startsWith(parent + '/') && !path.slice(parent.length + 1).includes('/');
}

/** What a discriminator puts in `params`: the property, its value, and what was wrong. */
export interface DiscriminatorParams {
  propertyName: string;
  /** The values that select a branch. */
  allowed: string[];
  /** `missing`: no property; `type`: not a string; `mapping`: selects no branch; `branch`: the selected branch fails. */
  error: 'missing' | 'type' | 'mapping' | 'branch';
  value?: unknown;
  /** For `branch`: the selected branch, its label and its errors (which follow this error). */
  selected?: number;
  label?: string;
  errors?: ErrorObject[];
  at: string;
}

const discriminator: CodeKeywordDefinition = {
  keyword: 'discriminator',
  type: 'object',
  schemaType: 'object',
  code(cxt: KeywordCxt) {
    const { gen, data, schema, parentSchema, it } = cxt;
    const d = schema as Partial<ViewedDiscriminator>;
    const keyword = d['x-burrow-keyword'];
    const table = d['x-burrow-values'];
    // A discriminator the views did not prepare (no oneOf/anyOf: the allOf form) is an annotation.
    if (!keyword || !table || typeof d.propertyName !== 'string' || !Array.isArray(parentSchema[keyword])) return;
    const propertyName = d.propertyName;
    const allowed = Object.keys(table);
    const labels = labelsOf(parentSchema, keyword, (parentSchema[keyword] as unknown[]).length);
    const report = gen.scopeValue('func', { ref: discriminatorFailure });
    const at = _`${INSTANCE_PATH} + ${it.errorPath}`;
    const schemaPath = stringify(`${it.errSchemaPath}/discriminator`);
    const fail = (error: DiscriminatorParams['error'], start: Name | number, extra = _`undefined`) => {
      gen.assign(V_ERRORS, _`${report}(${V_ERRORS}, ${start}, ${stringify(error)}, ${stringify(propertyName)}, ${stringify(allowed)}, ${tag}, ${extra}, ${at}, ${schemaPath})`);
      gen.assign(ERRORS, _`${V_ERRORS}.length`);
    };
    const tag = gen.const('tag', _`${data}[${stringify(propertyName)}]`);
    const valid = gen.name('_valid');
    gen.if(_`${tag} === undefined`);
    fail('missing', ERRORS);
    gen.elseIf(_`typeof ${tag} != "string"`);
    fail('type', ERRORS);
    for (const [value, index] of Object.entries(table)) {
      gen.elseIf(_`${tag} === ${value}`);
      const start = gen.const('start', ERRORS);
      // No compositeRule: the selected branch is the schema of the value, and its defaults apply.
      const schCxt = cxt.subschema({ keyword, schemaProp: index }, valid);
      cxt.mergeEvaluated(schCxt, Name);
      gen.if(_`!${valid}`, () => fail('branch', start, _`[${index}, ${labels[index]!}]`));
    }
    gen.else();
    fail('mapping', ERRORS);
    gen.endIf();
  },
};

function discriminatorFailure(
  vErrors: ErrorObject[] | null,
  start: number,
  error: DiscriminatorParams['error'],
  propertyName: string,
  allowed: string[],
  value: unknown,
  selected: [number, string] | undefined,
  instancePath: string,
  schemaPath: string,
): ErrorObject[] {
  const all = vErrors ?? [];
  const params: DiscriminatorParams = { propertyName, allowed, error, at: instancePath };
  if (error !== 'missing') params.value = value;
  const branchErrors = leaves(all.slice(start));
  if (selected) {
    params.selected = selected[0];
    params.label = selected[1];
    params.errors = branchErrors;
  }
  const summary = { instancePath, schemaPath, keyword: 'discriminator', params, message: `must match the schema that ${propertyName} selects` } as ErrorObject;
  return [...all.slice(0, start), summary, ...branchErrors];
}

function marker(keyword: string, message: string): CodeKeywordDefinition {
  return {
    keyword,
    schemaType: 'boolean',
    error: { message },
    code(cxt: KeywordCxt) {
      if (cxt.schema === true) cxt.fail();
    },
  };
}

const drop: CodeKeywordDefinition = {
  keyword: 'x-burrow-drop',
  schemaType: 'boolean',
  code(cxt: KeywordCxt) {
    const { gen, it } = cxt;
    // Only where the views put it: in place of a property's schema, the property being present.
    if (cxt.schema === true && it.dataLevel > 0) gen.code(_`delete ${it.parentData}[${it.parentDataProperty}]`);
  },
};
