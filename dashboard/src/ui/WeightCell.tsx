/** A field's weight in bits, coloured by the side it argues for (none when it says nothing). */
export function WeightCell({ weight }: { weight: number }) {
  return (
    <td className={weight > 0 ? 'pos' : weight < 0 ? 'neg' : undefined}>{weight.toFixed(2)}</td>
  );
}
