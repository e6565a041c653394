import type { PolicyInput, StoredPolicy } from '@stocktake/shared/api';
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.ts';
import { type JsonSchema, policyInputSchema } from './contract.ts';
import {
  FieldErrors,
  FieldErrorsContext,
  FormRefusal,
  inputKind,
  labelOf,
  pointer,
  SchemaInput,
  unwrapNullable,
} from './schema-form.tsx';
import { Status, useAction } from './ui.tsx';

type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (v: Json): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The value in force as an empty field's placeholder: what leaving it empty means. */
function shown(v: Json): string | undefined {
  if (v === undefined) return undefined;
  if (v === null) return 'in force: none';
  if (typeof v === 'boolean') return `in force: ${v ? 'yes' : 'no'}`;
  return `in force: ${Array.isArray(v) ? v.join(', ') : String(v)}`;
}

/**
 * The document as sent: keys left empty are left out (they take their default), and so is a group
 * of keys left all empty; a map emptied on purpose stays, as it replaces the default map.
 */
export function withoutEmpty(value: Json, schema: JsonSchema): Json {
  if (Array.isArray(value)) return value.map((v) => withoutEmpty(v, schema.items ?? {}));
  if (!isObject(value) || !schema.properties) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    const child = schema.properties[k] ?? {};
    const cleaned = v === undefined ? undefined : withoutEmpty(v, child);
    if (cleaned === undefined) continue;
    if (child.properties && isObject(cleaned) && Object.keys(cleaned).length === 0) continue;
    out[k] = cleaned;
  }
  return out;
}

interface NodeProps {
  schema: JsonSchema;
  path: string;
  label: string;
  value: Json;
  inForce: Json;
  onChange(value: Json): void;
}

/** One key of the policy, drawn as its schema says: an input, a group of keys, a table or a list. */
function PolicyNode(props: NodeProps) {
  const { schema, path, label, value, inForce, onChange } = props;
  const leaf = inputKind(schema);
  if (leaf) {
    const nullable = unwrapNullable(schema).nullable;
    const noLimit = /null: no limit/.test(unwrapNullable(schema).schema.description ?? '');
    return (
      <SchemaInput
        schema={schema}
        path={path}
        label={label}
        value={leaf === 'enum-set' ? (value ?? inForce) : value}
        onChange={onChange}
        placeholder={shown(inForce)}
        nullLabel={nullable ? (noLimit ? 'No limit' : 'None') : undefined}
      />
    );
  }
  if (schema.type === 'object' && schema.properties) {
    return <PolicyGroup {...props} />;
  }
  if (schema.type === 'object' && schema.patternProperties) {
    return <RecordEditor {...props} />;
  }
  if (schema.type === 'array' && schema.items?.properties) {
    return <ListEditor {...props} />;
  }
  return null;
}

function PolicyGroup({ schema, path, label, value, inForce, onChange }: NodeProps) {
  const doc = isObject(value) ? value : {};
  const force = isObject(inForce) ? inForce : {};
  return (
    <fieldset class="policy-group">
      <legend>{label}</legend>
      {schema.description && path !== '' && <p class="hint">{schema.description}</p>}
      <div class="form-grid">
        {Object.entries(schema.properties ?? {}).map(([key, child]) => (
          <PolicyNode
            key={key}
            schema={child}
            path={pointer(path, key)}
            label={labelOf(key)}
            value={doc[key]}
            inForce={force[key]}
            onChange={(v) => onChange({ ...doc, [key]: v })}
          />
        ))}
      </div>
    </fieldset>
  );
}

/**
 * A list or map of the policy: the default in force until a person edits a copy of it, and a way
 * back to the default.
 */
function ReplaceableGroup({
  schema,
  label,
  editing,
  count,
  onEdit,
  onDefault,
  children,
}: {
  schema: JsonSchema;
  label: string;
  editing: boolean;
  count: number;
  onEdit(): void;
  onDefault(): void;
  children: ComponentChildren;
}) {
  return (
    <fieldset class="policy-group">
      <legend>{label}</legend>
      {schema.description && <p class="hint">{schema.description}</p>}
      {editing ? (
        <button type="button" onClick={onDefault}>
          Back to the default {label.toLowerCase()}
        </button>
      ) : (
        <p class="muted">
          The default is in force ({count} {count === 1 ? 'entry' : 'entries'}).{' '}
          <button type="button" onClick={onEdit}>
            Edit {label.toLowerCase()}
          </button>
        </p>
      )}
      {editing && children}
    </fieldset>
  );
}

/** A map of names to values (a status per label, months per category): one row a name. */
function RecordEditor({ schema, path, label, value, inForce, onChange }: NodeProps) {
  const valueSchema = Object.values(schema.patternProperties ?? {})[0] ?? {};
  const editing = isObject(value);
  const entries = Object.entries(editing ? value : isObject(inForce) ? inForce : {});
  const set = (next: [string, Json][]) => onChange(Object.fromEntries(next));
  return (
    <ReplaceableGroup
      schema={schema}
      label={label}
      editing={editing}
      count={entries.length}
      onEdit={() => onChange(Object.fromEntries(entries))}
      onDefault={() => onChange(undefined)}
    >
      {entries.map(([k, v], i) => (
        <div class="row" key={`${i}`}>
          <SchemaInput
            schema={{ type: 'string', maxLength: 255 }}
            path={`${path}/${i}#name`}
            label={`${label}: name ${i + 1}`}
            value={k}
            hint={false}
            onChange={(name) => set(entries.map((e, j) => (j === i ? [String(name ?? ''), e[1]] : e)))}
          />
          <SchemaInput
            schema={valueSchema}
            path={pointer(path, k)}
            label={`${label}: value ${i + 1}`}
            value={v}
            hint={false}
            onChange={(nv) => set(entries.map((e, j) => (j === i ? [e[0], nv] : e)))}
          />
          <button type="button" onClick={() => set(entries.filter((_, j) => j !== i))}>
            Remove {k || `row ${i + 1}`}
          </button>
        </div>
      ))}
      <button type="button" onClick={() => set([...entries, ['', undefined]])}>
        Add to {label.toLowerCase()}
      </button>
    </ReplaceableGroup>
  );
}

/** A list of entries (OS baselines, the end-of-support list): one group of fields an entry. */
function ListEditor({ schema, path, label, value, inForce, onChange }: NodeProps) {
  const itemSchema = schema.items ?? {};
  const editing = Array.isArray(value);
  const items = (editing ? value : Array.isArray(inForce) ? inForce : []) as Json[];
  return (
    <ReplaceableGroup
      schema={schema}
      label={label}
      editing={editing}
      count={items.length}
      onEdit={() => onChange(structuredClone(items))}
      onDefault={() => onChange(undefined)}
    >
      {items.map((item, i) => (
        <div class="row" key={`${i}`}>
          <PolicyGroup
            schema={itemSchema}
            path={pointer(path, i)}
            label={`${label}: entry ${i + 1}`}
            value={item}
            inForce={undefined}
            onChange={(v) => onChange(items.map((x, j) => (j === i ? v : x)))}
          />
          <button type="button" onClick={() => onChange(items.filter((_, j) => j !== i))}>
            Remove entry {i + 1}
          </button>
        </div>
      ))}
      <button type="button" onClick={() => onChange([...items, {}])}>
        Add an entry to {label.toLowerCase()}
      </button>
    </ReplaceableGroup>
  );
}

/**
 * The policy document as a form drawn from the contract's schema: every key with the input its
 * type calls for, an empty field showing the value in force (its default), and the collector's
 * refusals beside the fields they name. The JSON view stays for pasting a whole document.
 */
export function PolicyEditor({ stored, onSaved }: { stored: StoredPolicy; onSaved(): void }) {
  const [doc, setDoc] = useState<Json>(() => structuredClone(stored.document));
  const [raw, setRaw] = useState<string>();
  // A replaced document comes back from the collector as stored; the form starts from it again.
  useEffect(() => setDoc(structuredClone(stored.document)), [stored]);
  const save = useAction(async () => {
    const body = (raw !== undefined ? JSON.parse(raw) : withoutEmpty(doc, policyInputSchema)) as PolicyInput;
    await api.put('/api/v1/policies', body);
    setRaw(undefined);
    onSaved();
    return 'Policy replaced.';
  });
  return (
    <FieldErrorsContext.Provider value={new FieldErrors(save.error)}>
      <form
        noValidate
        class="policy"
        aria-label="Policy document"
        onSubmit={(e) => {
          e.preventDefault();
          void save.start();
        }}
      >
        <PolicyGroup
          schema={policyInputSchema}
          path=""
          label="Policy document (an empty field takes its default)"
          value={doc}
          inForce={stored.policy}
          onChange={(v) => {
            setDoc(v);
            setRaw(undefined);
          }}
        />
        <details>
          <summary>Edit as JSON</summary>
          <label for="policy-document">Policy document (JSON; omitted keys take their defaults)</label>
          <textarea
            id="policy-document"
            rows={10}
            value={raw ?? JSON.stringify(withoutEmpty(doc, policyInputSchema), null, 2)}
            onInput={(e) => setRaw(e.currentTarget.value)}
          />
        </details>
        <FormRefusal />
        <button type="submit" class="primary" disabled={save.busy}>
          Replace policy
        </button>
        <Status done={save.done} />
      </form>
    </FieldErrorsContext.Provider>
  );
}
