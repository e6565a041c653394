import { type ComponentChildren, createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { ApiError } from './api.ts';
import type { JsonSchema } from './contract.ts';
import { describePath } from './ui.tsx';

/** A calendar date as the contract's schemas write one. */
const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';

/** A schema without its `null` alternative, and whether null was one. */
export function unwrapNullable(schema: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  const options = schema.anyOf;
  if (!options) return { schema, nullable: false };
  const others = options.filter((o) => o.type !== 'null');
  const only = others.length === 1 ? others[0] : undefined;
  return only ? { schema: only, nullable: others.length < options.length } : { schema, nullable: false };
}

/** How a leaf of a schema is written in a form. */
export type InputKind = 'enum' | 'date' | 'integer' | 'number' | 'boolean' | 'text' | 'textarea' | 'enum-set' | 'list';

/** The input a schema calls for, or undefined for an object or a list of objects (drawn as groups). */
export function inputKind(schema: JsonSchema): InputKind | undefined {
  const s = unwrapNullable(schema).schema;
  if (s.enum) return 'enum';
  if (s.type === 'boolean') return 'boolean';
  if (s.type === 'integer') return 'integer';
  if (s.type === 'number') return 'number';
  if (s.type === 'string') {
    if (s.pattern === DATE_PATTERN) return 'date';
    return (s.maxLength ?? 0) > 1024 ? 'textarea' : 'text';
  }
  if (s.type === 'array' && s.items?.enum) return 'enum-set';
  if (s.type === 'array' && s.items?.type === 'string') return 'list';
  return undefined;
}

/** `ghostAfterDays` → `Ghost after days`. */
export function labelOf(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replaceAll('_', ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A JSON pointer one key deeper (RFC 6901 escapes). */
export const pointer = (base: string, key: string | number) =>
  `${base}/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`;

/** What a number input's text means: a number, nothing, or the text as typed (the collector says why not). */
export function parseNumber(text: string): number | string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

/**
 * The collector's refusal, field by field: each field takes the messages at its JSON pointer;
 * what no field took is listed under the form.
 */
export class FieldErrors {
  private readonly byPath = new Map<string, string[]>();
  private readonly taken = new Set<string>();
  readonly message: string | undefined;

  constructor(error: unknown) {
    this.message = error ? (error instanceof Error ? error.message : String(error)) : undefined;
    for (const e of error instanceof ApiError ? error.errors : []) {
      this.byPath.set(e.path, [...(this.byPath.get(e.path) ?? []), e.message]);
    }
  }

  take(path: string): string[] {
    this.taken.add(path);
    return this.byPath.get(path) ?? [];
  }

  untaken(): { path: string; message: string }[] {
    return [...this.byPath]
      .filter(([p]) => !this.taken.has(p))
      .flatMap(([path, ms]) => ms.map((message) => ({ path, message })));
  }
}

export const FieldErrorsContext = createContext<FieldErrors>(new FieldErrors(undefined));

/** The refusal under the form: its message and whatever no field showed. */
export function FormRefusal() {
  const errors = useContext(FieldErrorsContext);
  if (!errors.message) return null;
  const rest = errors.untaken();
  return (
    <div class="error" role="alert">
      <p>{errors.message}</p>
      {rest.length > 0 && (
        <ul class="problems">
          {rest.map((e) => (
            <li key={`${e.path}:${e.message}`}>
              <strong>{describePath(e.path)}</strong>: {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

const idOf = (path: string) => `fld${path.replace(/[^A-Za-z0-9]+/g, '-')}`;

/** A field's label, its input, its description and the collector's messages about it. */
function Field({
  path,
  label,
  hint,
  children,
  group = false,
}: {
  path: string;
  label: string;
  hint: string | undefined;
  children: (ids: { id: string; describedBy: string; invalid: boolean }) => ComponentChildren;
  group?: boolean;
}) {
  const messages = useContext(FieldErrorsContext).take(path);
  const id = idOf(path);
  const describedBy = [hint ? `${id}-hint` : '', messages.length ? `${id}-error` : ''].filter(Boolean).join(' ');
  const body = (
    <>
      {children({ id, describedBy, invalid: messages.length > 0 })}
      {hint && (
        <small id={`${id}-hint`} class="hint">
          {hint}
        </small>
      )}
      {messages.length > 0 && (
        <small id={`${id}-error`} class="field-error">
          {messages.join('; ')}
        </small>
      )}
    </>
  );
  return group ? (
    <fieldset class="field group" aria-describedby={describedBy || undefined}>
      <legend>{label}</legend>
      {body}
    </fieldset>
  ) : (
    <span class="field">
      <label for={id}>{label}</label>
      {body}
    </span>
  );
}

export interface SchemaInputProps {
  schema: JsonSchema;
  /** The field's JSON pointer in the request: where the collector's messages about it point. */
  path: string;
  label: string;
  value: unknown;
  /** undefined: the field left empty. */
  onChange(value: unknown): void;
  /** What an empty field means, as a person reads it (the value in force, "none"). */
  placeholder?: string | undefined;
  /** Offer null as a choice of its own, with this label (a policy's "no limit"). */
  nullLabel?: string | undefined;
  required?: boolean;
  /** The field's description from the contract, shown under it; false hides it. */
  hint?: boolean;
  /** A money amount: two decimals. */
  money?: boolean;
}

/** One field of a request, drawn from its schema: the input its type calls for, with its bounds. */
export function SchemaInput(props: SchemaInputProps) {
  const { schema: raw, path, label, value, onChange } = props;
  const { schema, nullable } = unwrapNullable(raw);
  const kind = inputKind(raw);
  const hint = props.hint === false ? undefined : (schema.description ?? raw.description);
  if (kind === 'enum-set') {
    const chosen = Array.isArray(value) ? (value as string[]) : [];
    return (
      <Field path={path} label={label} hint={hint} group>
        {() => (
          <span class="checks">
            {(schema.items?.enum ?? []).map((option) => (
              <label key={option}>
                <input
                  type="checkbox"
                  checked={chosen.includes(option)}
                  onChange={(e) =>
                    onChange(e.currentTarget.checked ? [...chosen, option] : chosen.filter((c) => c !== option))
                  }
                />{' '}
                {option.replaceAll('_', ' ')}
              </label>
            ))}
          </span>
        )}
      </Field>
    );
  }
  const isNull = value === null && props.nullLabel !== undefined;
  return (
    <Field path={path} label={label} hint={hint}>
      {(ids) => (
        <>
          <Leaf
            kind={kind ?? 'text'}
            schema={schema}
            ids={ids}
            value={isNull ? undefined : value}
            disabled={isNull}
            onChange={onChange}
            placeholder={props.placeholder}
            required={props.required === true}
            nullable={nullable}
            money={props.money === true}
          />
          {props.nullLabel !== undefined && nullable && (
            <label class="null-choice">
              <input
                type="checkbox"
                checked={isNull}
                onChange={(e) => onChange(e.currentTarget.checked ? null : undefined)}
              />{' '}
              {props.nullLabel}
            </label>
          )}
        </>
      )}
    </Field>
  );
}

function Leaf({
  kind,
  schema,
  ids,
  value,
  disabled,
  onChange,
  placeholder,
  required,
  nullable,
  money,
}: {
  kind: InputKind;
  schema: JsonSchema;
  ids: { id: string; describedBy: string; invalid: boolean };
  value: unknown;
  disabled: boolean;
  onChange(value: unknown): void;
  placeholder: string | undefined;
  required: boolean;
  nullable: boolean;
  money: boolean;
}) {
  const common = {
    id: ids.id,
    'aria-describedby': ids.describedBy || undefined,
    'aria-invalid': ids.invalid || undefined,
    disabled,
    required,
  };
  if (kind === 'enum' || kind === 'boolean') {
    const options = kind === 'boolean' ? ['true', 'false'] : (schema.enum ?? []);
    const shown = value === undefined || value === null ? '' : String(value);
    return (
      <select
        {...common}
        value={shown}
        onChange={(e) => {
          const v = e.currentTarget.value;
          onChange(v === '' ? undefined : kind === 'boolean' ? v === 'true' : v);
        }}
      >
        {!required && <option value="">{placeholder ?? (nullable ? 'none' : '—')}</option>}
        {options.map((o) => (
          <option key={o} value={o}>
            {kind === 'boolean' ? (o === 'true' ? 'yes' : 'no') : o.replaceAll('_', ' ')}
          </option>
        ))}
      </select>
    );
  }
  if (kind === 'integer' || kind === 'number') {
    return (
      <NumberInput
        common={common}
        value={value}
        onChange={onChange}
        placeholder={placeholder}
        min={schema.minimum}
        max={schema.maximum}
        step={kind === 'integer' ? '1' : money ? '0.01' : 'any'}
      />
    );
  }
  const text = value === undefined || value === null ? '' : Array.isArray(value) ? value.join(', ') : String(value);
  const set = (t: string) => {
    if (kind === 'list') {
      const items = t
        .split(/[,\s]+/)
        .map((s) => s.trim())
        .filter(Boolean);
      onChange(items.length ? items : undefined);
    } else onChange(t === '' ? undefined : t);
  };
  if (kind === 'textarea') {
    return (
      <textarea
        {...common}
        rows={3}
        value={text}
        placeholder={placeholder}
        maxLength={schema.maxLength}
        onInput={(e) => set(e.currentTarget.value)}
      />
    );
  }
  return (
    <input
      {...common}
      // Preact types each input type apart; both kinds here take the same attributes.
      type={(kind === 'date' ? 'date' : 'text') as 'text'}
      value={text}
      placeholder={placeholder}
      maxLength={schema.maxLength}
      onInput={(e) => set(e.currentTarget.value)}
    />
  );
}

/** A number typed as text: kept as typed while it is being written, handed on as a number when it is one. */
function NumberInput({
  common,
  value,
  onChange,
  placeholder,
  min,
  max,
  step,
}: {
  common: Record<string, unknown>;
  value: unknown;
  onChange(value: unknown): void;
  placeholder: string | undefined;
  min: number | undefined;
  max: number | undefined;
  step: string;
}) {
  const outside = value === undefined || value === null ? '' : String(value);
  const [text, setText] = useState(outside);
  useEffect(() => {
    if (parseNumber(text) !== parseNumber(outside)) setText(outside);
  }, [outside]);
  return (
    <input
      {...common}
      type="number"
      inputMode="decimal"
      value={text}
      placeholder={placeholder}
      min={min}
      max={max}
      step={step}
      onInput={(e) => {
        setText(e.currentTarget.value);
        onChange(parseNumber(e.currentTarget.value));
      }}
    />
  );
}
