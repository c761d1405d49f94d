import type { ProfileFieldsFragment } from '../gql/graphql';

// The identity graph as nodes and edges: profiles, identifiers and source records are
// nodes; merges and unmerges are edges between profiles, each pointing at its log entry.

export type NodeKind = 'profile' | 'current' | 'identifier' | 'record';

export interface GraphNode {
  id: string;
  label: string;
  kind: NodeKind;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  label: string;
  kind: 'merge' | 'undone' | 'unmerge' | 'has';
  /** Index into the profile's merge log, for the edges that are one of its entries. */
  entry?: number;
}

export type MergeEntry = ProfileFieldsFragment['mergeLog'][number];

/** Profile ids are 26-character ULIDs; their tail tells them apart in a drawing. */
const profileNode = (id: string, current: string): GraphNode => ({
  id: `p:${id}`,
  label: id === current ? `this profile …${id.slice(-6)}` : `profile …${id.slice(-6)}`,
  kind: id === current ? 'current' : 'profile',
});

export function mergeLabel(e: MergeEntry): string {
  if (e.action === 'UNMERGE') return 'unmerged';
  const reason = e.reason.toLowerCase().replace(/_/g, ' ');
  return e.match ? `${reason} p=${e.match.probability.toFixed(2)}` : reason;
}

export function identityGraph(p: ProfileFieldsFragment): {
  nodes: GraphNode[];
  edges: GraphEdge[];
} {
  const nodes = new Map<string, GraphNode>();
  const edges: GraphEdge[] = [];
  const add = (n: GraphNode) => nodes.has(n.id) || nodes.set(n.id, n);
  add(profileNode(p.id, p.id));
  for (const id of p.mergedFrom) add(profileNode(id, p.id));
  p.mergeLog.forEach((e, i) => {
    add(profileNode(e.survivorId, p.id));
    add(profileNode(e.mergedId, p.id));
    const kind = e.action === 'UNMERGE' ? 'unmerge' : e.undoneBy ? 'undone' : 'merge';
    const [source, target] =
      e.action === 'UNMERGE' ? [e.survivorId, e.mergedId] : [e.mergedId, e.survivorId];
    edges.push({
      id: `m:${i}`,
      source: `p:${source}`,
      target: `p:${target}`,
      label: mergeLabel(e),
      kind,
      entry: i,
    });
    // The record that caused the merge, and the identifier through which it linked.
    if (e.recordId) {
      add({ id: `r:${e.recordId}`, label: e.recordId, kind: 'record' });
      edges.push({
        id: `mr:${i}`,
        source: `p:${e.mergedId}`,
        target: `r:${e.recordId}`,
        label: '',
        kind: 'has',
      });
    }
    if (e.linkedBy) {
      const id = `i:${e.linkedBy.kind}:${e.linkedBy.value}`;
      add({
        id,
        label: `${e.linkedBy.kind.toLowerCase()} ${e.linkedBy.value}`,
        kind: 'identifier',
      });
      edges.push({ id: `ml:${i}`, source: `p:${e.mergedId}`, target: id, label: '', kind: 'has' });
    }
  });
  for (const ident of p.identifiers) {
    const id = `i:${ident.kind}:${ident.value}`;
    add({ id, label: `${ident.kind.toLowerCase()} ${ident.value}`, kind: 'identifier' });
    if (!edges.some((e) => e.target === id))
      edges.push({ id: `pi:${id}`, source: `p:${p.id}`, target: id, label: '', kind: 'has' });
  }
  for (const r of p.crmRecords ?? []) {
    const id = `r:crm:${r.crmId}`;
    add({ id, label: `crm:${r.crmId}`, kind: 'record' });
    if (!edges.some((e) => e.target === id))
      edges.push({ id: `pr:${id}`, source: `p:${p.id}`, target: id, label: '', kind: 'has' });
  }
  return { nodes: [...nodes.values()], edges };
}

/** The records an admin may split out: the profile's CRM contacts and the records that merged in. */
export function splittableRecords(p: ProfileFieldsFragment): string[] {
  const ids = new Set<string>();
  for (const r of p.crmRecords ?? []) ids.add(`crm:${r.crmId}`);
  for (const e of p.mergeLog)
    if (e.action === 'MERGE' && !e.undoneBy && e.recordId) ids.add(e.recordId);
  return [...ids];
}
