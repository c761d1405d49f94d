import { WeightCell } from '../ui/WeightCell';
import { useQuery } from '@apollo/client/react';
import { graphql } from '../gql';

const Explanation = graphql(`
  query PairExplanation($a: ID!, $b: ID!) {
    matchExplanation(profileA: $a, profileB: $b) {
      probability
      fields {
        field
        level
        valueA
        valueB
        weight
      }
    }
  }
`);

interface Side {
  id: string;
  identifiers: { kind: string; value: string }[];
}

interface Pair {
  recordId: string;
  candidateRecordId: string;
  profile?: Side | null;
  candidateProfile?: Side | null;
  score: { fields: { field: string; level?: string | null; weight: number }[] };
}

/**
 * The two records side by side, field by field: their values (from `matchExplanation`,
 * when both profiles still exist) and each field's weight in the stored score.
 */
export function PairEvidence({ item }: { item: Pair }) {
  const a = item.profile?.id;
  const b = item.candidateProfile?.id;
  const { data } = useQuery(Explanation, { variables: { a: a ?? '', b: b ?? '' }, skip: !a || !b });
  const values = new Map((data?.matchExplanation?.fields ?? []).map((f) => [f.field, f]));
  return (
    <table className="evidence pair">
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">{item.recordId}</th>
          <th scope="col">{item.candidateRecordId}</th>
          <th scope="col">Comparison</th>
          <th scope="col">Weight (bits)</th>
        </tr>
      </thead>
      <tbody>
        {item.score.fields.map((f) => (
          <tr key={f.field}>
            <th scope="row">{f.field}</th>
            <td>{values.get(f.field)?.valueA ?? '—'}</td>
            <td>{values.get(f.field)?.valueB ?? '—'}</td>
            <td>{f.level ?? 'missing'}</td>
            <WeightCell weight={f.weight} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}
