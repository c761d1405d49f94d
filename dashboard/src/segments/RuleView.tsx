import { describeRule, type RuleLine } from './ruleText';

function Lines({ lines }: { lines: RuleLine[] }) {
  return (
    <ul>
      {lines.map((line, i) => (
        <li key={i}>
          {line.text}
          {line.children.length > 0 && <Lines lines={line.children} />}
        </li>
      ))}
    </ul>
  );
}

/** The rule in words; the JSON is one click away for whoever wants to copy it. */
export function RuleView({ rule }: { rule: unknown }) {
  return (
    <div className="rule">
      <Lines lines={[describeRule(rule)]} />
      <details>
        <summary>Rule as JSON</summary>
        <pre>{JSON.stringify(rule, null, 2)}</pre>
      </details>
    </div>
  );
}
