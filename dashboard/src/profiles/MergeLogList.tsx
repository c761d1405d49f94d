import { WeightCell } from '../ui/WeightCell';
import { Empty } from '../ui/states';
import { mergeLabel, type MergeEntry } from './graphModel';

function Evidence({ entry }: { entry: MergeEntry }) {
  if (!entry.match) return null;
  return (
    <table className="evidence">
      <caption>
        Score: p = {entry.match.probability.toFixed(3)}, {entry.match.totalWeight.toFixed(1)} bits
      </caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Comparison</th>
          <th scope="col">Weight (bits)</th>
        </tr>
      </thead>
      <tbody>
        {entry.match.fields.map((f) => (
          <tr key={f.field}>
            <th scope="row">{f.field}</th>
            <td>{f.level ?? 'missing'}</td>
            <WeightCell weight={f.weight} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The merge log in words, each entry with its reason, score and per-field evidence. */
export function MergeLogList(props: {
  entries: MergeEntry[];
  selected: number | null;
  onSelect: (i: number) => void;
}) {
  if (props.entries.length === 0)
    return <Empty>Never merged: this profile was built from its own records only.</Empty>;
  return (
    <ol className="merge-log" data-testid="merge-log">
      {props.entries.map((e, i) => (
        <li key={i} className={i === props.selected ? 'selected' : undefined}>
          <button
            type="button"
            className="link"
            aria-expanded={i === props.selected}
            onClick={() => props.onSelect(i)}
          >
            <strong>{e.action === 'UNMERGE' ? 'Unmerge' : 'Merge'}</strong> {e.mergedId}{' '}
            {e.action === 'UNMERGE' ? 'out of' : 'into'} {e.survivorId}: {mergeLabel(e)}
            {e.undoneBy ? ' (undone)' : ''}{' '}
            <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time>
          </button>
          {i === props.selected && (
            <div className="entry">
              <p>{e.explanation}</p>
              {(e.recordId || e.linkedBy) && (
                <p>
                  {e.recordId && <>Record {e.recordId}</>}
                  {e.linkedBy && (
                    <>
                      {e.recordId ? ', linked' : 'Linked'} through {e.linkedBy.kind.toLowerCase()}{' '}
                      {e.linkedBy.value}
                    </>
                  )}
                  .
                </p>
              )}
              {e.note && <p>Note: {e.note}</p>}
              {e.recordIds.length > 0 && <p>Records split out: {e.recordIds.join(', ')}</p>}
              <Evidence entry={e} />
            </div>
          )}
        </li>
      ))}
    </ol>
  );
}
