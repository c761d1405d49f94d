import cytoscape from 'cytoscape';
import { useEffect, useRef } from 'react';
import type { GraphEdge, GraphNode } from './graphModel';

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

function style(): cytoscape.StylesheetJson {
  const fg = cssVar('--fg', '#111');
  const accent = cssVar('--accent', '#2563eb');
  const muted = cssVar('--fg-muted', '#666');
  return [
    {
      selector: 'node',
      style: {
        label: 'data(label)',
        color: fg,
        'font-size': 10,
        'text-valign': 'bottom',
        'text-margin-y': 4,
        'text-wrap': 'ellipsis',
        'text-max-width': '160px',
        width: 18,
        height: 18,
      },
    },
    {
      selector: 'node[kind = "current"]',
      style: { 'background-color': accent, width: 28, height: 28, 'font-weight': 'bold' },
    },
    { selector: 'node[kind = "profile"]', style: { 'background-color': '#7c3aed' } },
    {
      selector: 'node[kind = "identifier"]',
      style: { shape: 'round-rectangle', 'background-color': '#0d9488' },
    },
    {
      selector: 'node[kind = "record"]',
      style: { shape: 'diamond', 'background-color': '#d97706' },
    },
    { selector: 'edge', style: { width: 1, 'line-color': muted, 'curve-style': 'bezier' } },
    {
      selector: 'edge[kind = "merge"], edge[kind = "undone"], edge[kind = "unmerge"]',
      style: {
        width: 3,
        label: 'data(label)',
        color: fg,
        'font-size': 10,
        'text-background-color': cssVar('--bg', '#fff'),
        'text-background-opacity': 0.85,
        'target-arrow-shape': 'triangle',
        'line-color': accent,
        'target-arrow-color': accent,
      },
    },
    {
      selector: 'edge[kind = "undone"], edge[kind = "unmerge"]',
      style: { 'line-style': 'dashed', 'line-color': '#dc2626', 'target-arrow-color': '#dc2626' },
    },
    { selector: ':selected', style: { 'overlay-opacity': 0.2, 'overlay-color': accent } },
  ];
}

/**
 * Profiles, identifiers and records as nodes, merges and unmerges as labelled edges.
 * Clicking a merge edge selects its log entry (listed, with its evidence, beside the graph:
 * the list is the accessible form of the same data).
 */
export function IdentityGraph(props: {
  nodes: GraphNode[];
  edges: GraphEdge[];
  onSelectEntry: (i: number) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const select = useRef(props.onSelectEntry);
  select.current = props.onSelectEntry;

  useEffect(() => {
    if (!box.current) return;
    const cy = cytoscape({
      container: box.current,
      elements: [
        ...props.nodes.map((n) => ({ data: { ...n } })),
        ...props.edges.map((e) => ({ data: { ...e } })),
      ],
      style: style(),
      wheelSensitivity: 0.3,
      minZoom: 0.3,
      maxZoom: 3,
    });
    // A tree from this profile outwards reads better than a force layout for a few dozen
    // nodes; readable labels matter more than fitting everything at once (pan and zoom).
    cy.layout({
      name: 'breadthfirst',
      roots: cy.nodes('[kind = "current"]').map((n) => n.id()),
      padding: 30,
      spacingFactor: 1.1,
      avoidOverlap: true,
      nodeDimensionsIncludeLabels: true,
    }).run();
    if (cy.zoom() < 0.65) {
      cy.zoom(0.65);
      cy.center();
    }
    if (cy.zoom() > 1.6) {
      cy.zoom(1.6);
      cy.center();
    }
    cy.on('tap', 'edge', (evt) => {
      const edge = evt.target as cytoscape.EdgeSingular;
      const entry: unknown = edge.data('entry');
      if (typeof entry === 'number') select.current(entry);
    });
    return () => cy.destroy();
  }, [props.nodes, props.edges]);

  const merges = props.edges.filter((e) => e.kind !== 'has').length;
  return (
    <div
      ref={box}
      className="graph"
      role="img"
      aria-label={`Identity graph: ${props.nodes.filter((n) => n.kind === 'current' || n.kind === 'profile').length} profiles, ${merges} merges and unmerges, ${props.nodes.filter((n) => n.kind === 'identifier').length} identifiers, ${props.nodes.filter((n) => n.kind === 'record').length} records`}
      data-testid="identity-graph"
    />
  );
}
