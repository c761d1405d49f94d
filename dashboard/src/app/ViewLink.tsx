import type { MouseEvent, ReactNode } from 'react';
import { hrefFor, navigate, type View } from './router';

// Its own module, not the shell's: every view links to the others, and the shell imports
// every view, so a link living in the shell made each view import its own importer.

/** A same-page link: the router moves, the browser does not reload. */
export function ViewLink(props: {
  view: View;
  params?: Record<string, string>;
  children: ReactNode;
  current?: boolean;
}) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    navigate(props.view, props.params);
  };
  return (
    <a
      href={hrefFor(props.view, props.params)}
      onClick={onClick}
      aria-current={props.current ? 'page' : undefined}
    >
      {props.children}
    </a>
  );
}
