import { useQuery } from '@apollo/client/react';
import { describeError } from '../api/errors';
import { graphql } from '../gql';

const Operations = graphql(`
  query Operations {
    operationsStatus {
      ready
      at
      checks {
        name
        ok
        error
      }
      sources {
        name
        breaker
        failures
        timeouts
        staleItems
      }
      queues {
        name
        waiting
        active
        delayed
        failed
      }
    }
    pipelineStatus {
      backlog
      oldestWaitingSeconds
      lagP99Seconds
    }
  }
`);

const POLL_MS = 5_000;

type Tone = 'ok' | 'warn' | 'bad';

function Chip({ tone, label, detail }: { tone: Tone; label: string; detail: string }) {
  return (
    <li className={`chip ${tone}`} title={detail}>
      <span className="dot" aria-hidden="true" />
      <span className="label">{label}</span> <span className="detail">{detail}</span>
    </li>
  );
}

/**
 * Readiness of each dependency, each source's circuit breaker and stale answers, the job
 * queues and the ingestion backlog, polled every few seconds.
 */
export function OperationsStrip() {
  const { data, error } = useQuery(Operations, {
    pollInterval: POLL_MS,
    fetchPolicy: 'network-only',
  });
  const ops = data?.operationsStatus;
  return (
    <section className="ops" aria-label="Operations">
      {!ops && !error && <span className="state">Checking the gateway…</span>}
      {error && (
        <p className="chip bad" role="alert">
          Operations status unavailable
          {ops ? `; showing what it was at ${new Date(ops.at).toLocaleTimeString()}` : ''}:{' '}
          {describeError(error)}
        </p>
      )}
      {ops && (
        <ul>
          {ops.checks.map((c) => (
            <Chip
              key={c.name}
              tone={c.ok ? 'ok' : 'bad'}
              label={c.name}
              detail={c.ok ? 'ready' : (c.error ?? 'failing')}
            />
          ))}
          {ops.sources.map((s) => (
            <Chip
              key={s.name}
              tone={s.breaker === 'CLOSED' ? (s.staleItems > 0 ? 'warn' : 'ok') : 'bad'}
              label={`source ${s.name}`}
              detail={`breaker ${s.breaker.toLowerCase().replace('_', '-')}${s.staleItems ? `, ${s.staleItems} stale` : ''}${s.failures ? `, ${s.failures} failed` : ''}`}
            />
          ))}
          {ops.queues.map((q) => (
            <Chip
              key={q.name}
              tone={q.failed > 0 ? 'warn' : 'ok'}
              label={`queue ${q.name}`}
              detail={`${q.waiting + q.delayed} waiting, ${q.active} active${q.failed ? `, ${q.failed} failed` : ''}`}
            />
          ))}
          {data.pipelineStatus && (
            <Chip
              tone={data.pipelineStatus.oldestWaitingSeconds > 60 ? 'warn' : 'ok'}
              label="ingestion"
              detail={`${data.pipelineStatus.backlog} events waiting${data.pipelineStatus.lagP99Seconds != null ? `, p99 lag ${data.pipelineStatus.lagP99Seconds.toFixed(1)} s` : ''}`}
            />
          )}
        </ul>
      )}
    </section>
  );
}
