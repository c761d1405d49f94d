import { useMutation } from '@apollo/client/react';
import { useMemo, useState, type FormEvent } from 'react';
import { describeError, fieldErrors } from '../api/errors';
import { graphql } from '../gql';
import { describeRule, type RuleLine } from './ruleText';
import { RuleView } from './RuleView';
import { TextField } from '../ui/TextField';

const DefineSegment = graphql(`
  mutation DefineSegment($name: String!, $rule: JSON!, $purpose: String) {
    defineSegment(name: $name, rule: $rule, purpose: $purpose) {
      id
      name
      rule
      size
    }
  }
`);

const UpdateSegment = graphql(`
  mutation UpdateSegment($id: ID!, $name: String, $rule: JSON) {
    updateSegment(id: $id, name: $name, rule: $rule) {
      id
      name
      rule
      size
    }
  }
`);

const EXAMPLE = {
  and: [
    { computed: 'orderCount', op: 'gte', value: 1 },
    { event: 'Product Viewed', atLeast: 1, withinDays: 30 },
  ],
};

type Parsed = { ok: true; rule: unknown; words: RuleLine } | { ok: false; message: string };

function parseRuleText(text: string): Parsed {
  try {
    const rule: unknown = JSON.parse(text);
    return { ok: true, rule, words: describeRule(rule) };
  } catch (err) {
    return {
      ok: false,
      message: `The rule is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

/** Where a server error belongs: `name`, `rule…` and `purpose` by their field, the rest on the form. */
function placeErrors(error: unknown): {
  name?: string;
  rule?: string;
  purpose?: string;
  form?: string;
} {
  const placed: { name?: string; rule?: string; purpose?: string; form?: string } = {};
  for (const [field, message] of fieldErrors(error)) {
    if (field === 'name') placed.name = message;
    else if (field === 'rule' || field.startsWith('rule.') || field.startsWith('rule['))
      placed.rule = message;
    else if (field === 'purpose') placed.purpose = message;
    else placed.form = message;
  }
  if (!placed.name && !placed.rule && !placed.purpose && !placed.form)
    placed.form = describeError(error);
  return placed;
}

/** Creates a rule segment, or edits one; the gateway validates, and says where it failed. */
export function SegmentEditor(props: {
  segment?: { id: string; name: string; rule: unknown };
  onDone: (id: string | null) => void;
}) {
  const editing = props.segment;
  const [name, setName] = useState(editing?.name ?? '');
  const [ruleText, setRuleText] = useState(JSON.stringify(editing?.rule ?? EXAMPLE, null, 2));
  const [purpose, setPurpose] = useState('');
  const [define, defined] = useMutation(DefineSegment);
  const [update, updated] = useMutation(UpdateSegment);
  const parsed = useMemo(() => parseRuleText(ruleText), [ruleText]);
  const serverError = defined.error ?? updated.error;
  const edited = () => {
    defined.reset();
    updated.reset();
  };
  const errors = serverError ? placeErrors(serverError) : {};
  const ruleError = parsed.ok ? errors.rule : parsed.message;
  const busy = defined.loading || updated.loading;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!parsed.ok) return;
    try {
      if (editing) {
        const res = await update({ variables: { id: editing.id, name, rule: parsed.rule } });
        props.onDone(res.data?.updateSegment.id ?? null);
      } else {
        const res = await define({
          variables: { name, rule: parsed.rule, purpose: purpose.trim() || null },
        });
        props.onDone(res.data?.defineSegment.id ?? null);
      }
    } catch {
      // Shown in place from the mutation's error state.
    }
  };

  return (
    <form
      className="editor"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-labelledby="editor-title"
    >
      <h2 id="editor-title">{editing ? `Edit ${editing.name}` : 'New segment'}</h2>
      <TextField
        id="segment-name"
        label="Name"
        value={name}
        error={errors.name}
        onChange={(v) => {
          edited();
          setName(v);
        }}
      />
      <label htmlFor="segment-rule">Rule (JSON)</label>
      <textarea
        id="segment-rule"
        rows={10}
        spellCheck={false}
        value={ruleText}
        onChange={(e) => {
          edited();
          setRuleText(e.target.value);
        }}
        aria-invalid={!!ruleError}
        aria-describedby={ruleError ? 'segment-rule-error' : 'segment-rule-words'}
      />
      {ruleError && (
        <p id="segment-rule-error" className="field-error" role="alert">
          {ruleError}
        </p>
      )}
      {parsed.ok && (
        <div id="segment-rule-words" className="preview">
          <span>In words:</span>
          <RuleView rule={parsed.rule} />
        </div>
      )}
      {!editing && (
        <>
          <TextField
            id="segment-purpose"
            label="Consent purpose (optional)"
            value={purpose}
            error={errors.purpose}
            onChange={(v) => {
              edited();
              setPurpose(v);
            }}
          />
        </>
      )}
      {errors.form && (
        <p className="form-error" role="alert">
          {errors.form}
        </p>
      )}
      <div className="actions">
        <button type="button" onClick={() => props.onDone(null)}>
          Cancel
        </button>
        <button type="submit" disabled={busy || !parsed.ok}>
          {busy ? 'Saving…' : editing ? 'Save' : 'Create segment'}
        </button>
      </div>
    </form>
  );
}
